// Accessibility fixes for widgets the Django admin builds in the browser (names and roles axe-core asks for).
(function () {
  "use strict";

  function labelText(id) {
    var label = id && document.querySelector('label[for="' + id + '"]');
    return label ? label.textContent.replace(/[:\s]+$/, "").trim() : "";
  }

  function fix() {
    // SelectFilter's magnifier icon carries an aria-label, which a plain span may not: make it an image.
    document.querySelectorAll(".help-tooltip[aria-label]:not([role])").forEach(function (icon) {
      icon.setAttribute("role", "img");
    });
    // select2 (autocomplete fields): name the combobox and its shown value after the field's label.
    document.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      var name = labelText(select.id);
      var container = select.nextElementSibling;
      if (!name || !container) return;
      container.querySelectorAll('[role="combobox"], [role="textbox"]').forEach(function (part) {
        if (!part.getAttribute("aria-label")) part.setAttribute("aria-label", name);
      });
    });
  }

  if (document.readyState === "complete") fix();
  else window.addEventListener("load", function () { window.setTimeout(fix, 0); });
  // Rows added to inlines and widgets re-drawn later get the same fixes.
  document.addEventListener("formset:added", fix);
})();
