// Small helpers on top of server-rendered pages: sortable tables, copy buttons, auto-submit.
"use strict";

function cellValue(td, kind) {
  const raw = td.dataset.v ?? td.textContent;
  if (raw === "") return null;
  if (kind === "text" || kind === "date" || kind === "datetime") return raw;
  const n = Number(raw);
  return Number.isNaN(n) ? raw : n;
}

function compare(a, b) {
  if (a === null && b === null) return 0;
  if (a === null) return 1;            // missing values last, whichever the direction
  if (b === null) return -1;
  if (typeof a === "number" && typeof b === "number") return a - b;
  return String(a).localeCompare(String(b), document.documentElement.lang);
}

function sortBy(table, index, kind) {
  const th = table.tHead.rows[0].cells[index];
  const ascending = th.getAttribute("aria-sort") !== "ascending";
  for (const cell of table.tHead.rows[0].cells) cell.removeAttribute("aria-sort");
  th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
  const body = table.tBodies[0];
  const rows = Array.from(body.rows);
  rows.sort((r1, r2) => {
    const a = cellValue(r1.cells[index], kind);
    const b = cellValue(r2.cells[index], kind);
    if (a === null || b === null) return compare(a, b);
    return ascending ? compare(a, b) : compare(b, a);
  });
  for (const row of rows) body.appendChild(row);
}

document.addEventListener("DOMContentLoaded", () => {
  for (const table of document.querySelectorAll("table[data-sortable]")) {
    Array.from(table.tHead.rows[0].cells).forEach((th, i) => {
      const button = th.querySelector("button.sort");
      if (button) button.addEventListener("click", () => sortBy(table, i, th.dataset.kind));
    });
  }
  for (const select of document.querySelectorAll("select[data-autosubmit]")) {
    select.addEventListener("change", () => select.form.submit());
  }
  for (const button of document.querySelectorAll("[data-copy]")) {
    button.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(button.dataset.copy);
        button.dataset.copied = "1";
      } catch (e) {
        window.prompt("", button.dataset.copy);
      }
    });
  }
});
