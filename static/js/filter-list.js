// A search box above a long list of checkboxes (data-filter): typing a few letters hides
// the choices that do not contain them, whatever the case and the accents; ticked choices
// always stay visible. Without JavaScript the whole list shows, and still works.
(function () {
  "use strict";
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  document.querySelectorAll("[data-filter]").forEach(function (list, index) {
    var items = Array.from(list.querySelectorAll("label"));
    var id = "filtre-liste-" + index;
    var field = document.createElement("div");
    field.className = "field";
    var label = document.createElement("label");
    label.htmlFor = id;
    label.textContent = list.dataset.filterLabel || "Filtrer la liste";
    var input = document.createElement("input");
    input.type = "search";
    input.id = id;
    input.autocomplete = "off";
    var status = document.createElement("p");
    status.className = "muted";
    status.setAttribute("role", "status");
    field.append(label, input, status);
    list.before(field);
    input.addEventListener("input", function () {
      var words = fold(input.value).split(/\s+/).filter(Boolean);
      var shown = 0;
      items.forEach(function (item) {
        var text = fold(item.textContent);
        var ticked = item.querySelector("input").checked;
        var match = ticked || words.every(function (word) { return text.includes(word); });
        item.closest("div, li").hidden = !match;
        if (match) shown += 1;
      });
      status.textContent = words.length ? shown + " / " + items.length : "";
    });
  });
})();
