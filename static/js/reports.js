// Report tables: sort by a column (buttons in the headings of tables with data-sortable)
// and filter rows by text (inputs with data-filter-table). Plain DOM, no framework; the
// page works without it (the rows are all there, in the server's order).
(function () {
  function cellValue(row, index) {
    var cell = row.children[index];
    if (!cell) { return ""; }
    return cell.hasAttribute("data-sort") ? cell.getAttribute("data-sort") : cell.textContent.trim();
  }

  function compare(a, b) {
    var x = parseFloat(a), y = parseFloat(b);
    var xn = a !== "" && !isNaN(x), yn = b !== "" && !isNaN(y);
    if (xn && yn) { return x - y; }
    if (xn !== yn) { return xn ? -1 : 1; }  // figures before empty cells
    return a.localeCompare(b, document.documentElement.lang || undefined, { numeric: true });
  }

  function sortBy(table, th) {
    var headings = Array.prototype.slice.call(th.parentNode.children);
    var index = headings.indexOf(th);
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    headings.forEach(function (h) { if (h.hasAttribute("aria-sort")) { h.setAttribute("aria-sort", "none"); } });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (r1, r2) {
      var result = compare(cellValue(r1, index), cellValue(r2, index));
      return ascending ? result : -result;
    });
    rows.forEach(function (row) { body.appendChild(row); });
  }

  function filter(input) {
    var table = document.getElementById(input.getAttribute("data-filter-table"));
    if (!table) { return; }
    var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0, rows = table.tBodies[0].rows;
    for (var i = 0; i < rows.length; i++) {
      var text = rows[i].textContent.toLowerCase();
      var match = words.every(function (w) { return text.indexOf(w) !== -1; });
      rows[i].hidden = !match;
      if (match) { shown++; }
    }
    var counter = document.querySelector('[data-filter-count="' + table.id + '"]');
    if (counter) { counter.textContent = words.length ? shown + " / " + rows.length : ""; }
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("table[data-sortable] th[aria-sort] button").forEach(function (button) {
      button.addEventListener("click", function () {
        var th = button.closest("th");
        sortBy(th.closest("table"), th);
      });
    });
    document.querySelectorAll("input[data-filter-table]").forEach(function (input) {
      input.addEventListener("input", function () { filter(input); });
    });
  });
})();
