// Sections of a page that refresh on their own: each element with data-refresh="<url>"
// is fetched again every data-refresh-seconds and its content replaced, without a full
// reload. Paused while the tab is hidden; nothing happens if the request fails (the last
// content stays, with its "mis à jour à" time).
(function () {
  "use strict";
  function refresh(section) {
    if (document.hidden) return;
    fetch(section.dataset.refresh, { headers: { "X-Requested-With": "fetch" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (html === null) return;
        var parsed = new DOMParser().parseFromString(html, "text/html");
        var fresh = parsed.getElementById(section.id);
        if (fresh) section.replaceChildren.apply(section, Array.from(fresh.childNodes));
      })
      .catch(function () {});
  }
  document.querySelectorAll("[data-refresh]").forEach(function (section) {
    var seconds = parseInt(section.dataset.refreshSeconds, 10) || 120;
    setInterval(function () { refresh(section); }, seconds * 1000);
  });
})();
