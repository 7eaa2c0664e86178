// ClaimGraph pages: progressive enhancement only. Every page works without this script.
(function () {
  "use strict";
  // Filter forms marked data-autosubmit submit when a select changes (the Filter button stays for everyone else).
  document.querySelectorAll("form[data-autosubmit] select").forEach(function (select) {
    select.addEventListener("change", function () {
      var offset = select.form.querySelector("input[name=offset]");
      if (offset) offset.value = "0";
      select.form.requestSubmit ? select.form.requestSubmit() : select.form.submit();
    });
  });
  // Empty filters are left out of the address, so it stays short and readable (the server ignores them anyway).
  document.querySelectorAll("form.filters").forEach(function (form) {
    form.addEventListener("submit", function () {
      form.querySelectorAll("input[name], select[name]").forEach(function (field) {
        if (field.value === "") field.disabled = true;
      });
    });
  });
  window.addEventListener("pageshow", function () {  // coming back to the page: the fields work again
    document.querySelectorAll("form.filters [disabled]").forEach(function (field) { field.disabled = false; });
  });
  // Ctrl/Cmd+Enter in the SPARQL box runs the query.
  var query = document.getElementById("query");
  if (query) {
    query.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        query.form.requestSubmit ? query.form.requestSubmit() : query.form.submit();
      }
    });
  }
  // Keyboard shortcuts outside text fields: "/" focuses the page's search box; "g" then a letter goes to a page.
  var pages = { d: "/", c: "/ui/claims", p: "/ui/papers", e: "/ui/entities", s: "/ui/sparql", a: "/ui/ask" };
  var pending = false;
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (target.closest && target.closest("input, textarea, select, [contenteditable]")) return;
    if (event.key === "/") {
      var box = document.querySelector("[data-shortcut='/']") || document.getElementById("query");
      if (box) { event.preventDefault(); box.focus(); if (box.select) box.select(); }
      return;
    }
    if (pending && pages[event.key]) { window.location.href = pages[event.key]; }
    pending = event.key === "g";
  });
  // A marked quote on a document page is brought into view and focused for screen readers.
  var hl = document.getElementById("hl");
  if (hl && window.location.hash === "#hl") { hl.focus({ preventScroll: false }); }
})();
