// "Select all on this page" for lists whose rows have checkboxes (pending requests, a roster): one labelled checkbox
// above the table (visible in the 390 px card layout too, where the table's header is not) ticks or clears every
// row, and shows when only some are ticked. Without script, rows are ticked one by one as before; the label comes
// from the page (data-select-all), in the staff member's language.
(() => {
  for (const table of document.querySelectorAll("table[data-select-all]")) {
    const rows = () => [...table.querySelectorAll('tbody input[type="checkbox"][name="ids"]')];
    if (!rows().length) continue;
    const label = document.createElement("label");
    label.className = "select-all";
    const all = document.createElement("input");
    all.type = "checkbox";
    label.append(all, " ", table.dataset.selectAll);
    (table.closest(".table-wrap") || table).before(label);
    all.addEventListener("change", () => rows().forEach((box) => { box.checked = all.checked; }));
    table.addEventListener("change", () => {
      const ticked = rows().filter((box) => box.checked).length;
      all.checked = ticked === rows().length;
      all.indeterminate = ticked > 0 && ticked < rows().length;
    });
  }
})();
