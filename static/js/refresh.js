// Sections of a page that refresh on their own: each element with data-refresh="<url>"
// is fetched again every data-refresh-seconds and its content replaced, without a full
// reload. Paused while the tab is hidden; nothing happens if the request fails (the last
// content stays, with its "mis à jour à" time). A section whose fresh copy no longer has
// data-refresh (a report ready or failed) is done: it stops asking.
(function () {
  "use strict";
  function refresh(section, stop) {
    if (document.hidden) return;
    fetch(section.dataset.refresh, { headers: { "X-Requested-With": "fetch" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (html === null) return;
        var parsed = new DOMParser().parseFromString(html, "text/html");
        var fresh = parsed.getElementById(section.id);
        if (!fresh) return;
        section.replaceChildren.apply(section, Array.from(fresh.childNodes));
        if (!fresh.hasAttribute("data-refresh")) {
          section.removeAttribute("data-refresh");
          stop();
        }
      })
      .catch(function () {});
  }
  document.querySelectorAll("[data-refresh]").forEach(function (section) {
    var seconds = parseInt(section.dataset.refreshSeconds, 10) || 120;
    var timer = setInterval(function () {
      refresh(section, function () { clearInterval(timer); });
    }, seconds * 1000);
  });
})();
