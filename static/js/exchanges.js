// Data-exchanges answers (templates/surveys/includes/exchanges_field.html): "Add an exchange"
// copies the page's blank row, and "Remove" hides a row and ticks its remove box. Without this
// script the page offers blank rows and the boxes, and saves the same way.
(function () {
  "use strict";

  function changed(element) {
    // The section page's autosave listens for changes on the form.
    element.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function enhanceRow(row) {
    var remove = row.querySelector("[data-exchange-remove]");
    if (!remove || remove.dataset.enhanced) { return; }
    remove.dataset.enhanced = "1";
    var box = remove.querySelector("input[type=checkbox]");
    var label = remove.querySelector("label");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-sm btn-link px-0";
    button.textContent = label.textContent;
    remove.hidden = true;
    remove.parentNode.appendChild(button);
    button.addEventListener("click", function () {
      box.checked = true;
      row.hidden = true;
      changed(box);
      var next = row.parentNode.querySelector("[data-exchange-row]:not([hidden]) select");
      var add = row.closest("[data-exchanges]").querySelector("[data-exchange-add]");
      (next || add).focus();
    });
    if (box.checked) { row.hidden = true; }
  }

  function enhance(container) {
    var prefix = container.dataset.exchanges;
    var total = container.querySelector("input[name='" + prefix + "-TOTAL_FORMS']");
    var rows = container.querySelector("[data-exchange-rows]");
    var template = container.querySelector("template[data-exchange-template]");
    var add = container.querySelector("[data-exchange-add]");
    if (!total || !rows || !template || !add) { return; }
    rows.querySelectorAll("[data-exchange-row]").forEach(enhanceRow);
    add.hidden = false;
    add.addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      var html = template.innerHTML.replace(/__prefix__/g, String(index))
        .replace(/__number__/g, String(index + 1));
      var holder = document.createElement("div");
      holder.innerHTML = html.trim();
      var row = holder.firstElementChild;
      rows.appendChild(row);
      total.value = String(index + 1);
      enhanceRow(row);
      row.querySelector("select").focus();
    });
  }

  document.querySelectorAll("[data-exchanges]").forEach(enhance);
})();
