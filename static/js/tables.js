// Tables marked .table-stack become one card per row on narrow screens (polis.css): each cell
// is labelled with its column's heading (data-label), and the table keeps its roles, which
// browsers drop from a table no longer displayed as one. Without this script such a table
// scrolls sideways in its own box, as every wide table does.
(function () {
  "use strict";
  var ROLES = { TABLE: "table", THEAD: "rowgroup", TBODY: "rowgroup", TFOOT: "rowgroup", TR: "row", TD: "cell" };
  var tables = document.querySelectorAll("table.table-stack");

  function headings(table) {
    var labels = [];
    var head = table.tHead && table.tHead.rows[table.tHead.rows.length - 1];
    if (!head) { return labels; }
    for (var i = 0; i < head.cells.length; i++) {
      var cell = head.cells[i];
      for (var span = 0; span < cell.colSpan; span++) { labels.push(cell.textContent.replace(/\s+/g, " ").trim()); }
    }
    return labels;
  }

  function role(element) {
    if (element.tagName === "TH") {
      return element.getAttribute("scope") === "row" ? "rowheader" : "columnheader";
    }
    return ROLES[element.tagName];
  }

  for (var t = 0; t < tables.length; t++) {
    var table = tables[t];
    var labels = headings(table);
    var parts = table.querySelectorAll("thead, tbody, tfoot, tr, th, td");
    table.setAttribute("role", "table");
    for (var p = 0; p < parts.length; p++) {
      if (parts[p].closest("table") === table) { parts[p].setAttribute("role", role(parts[p])); }
    }
    for (var b = 0; b < table.tBodies.length; b++) {
      var rows = table.tBodies[b].rows;
      for (var r = 0; r < rows.length; r++) {
        var column = 0;
        for (var c = 0; c < rows[r].cells.length; c++) {
          var cell = rows[r].cells[c];
          if (labels[column] && !cell.hasAttribute("data-label")) { cell.setAttribute("data-label", labels[column]); }
          column += cell.colSpan;
        }
      }
    }
    table.classList.add("is-stackable");
  }
}());
