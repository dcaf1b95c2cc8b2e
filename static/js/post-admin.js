/* Post editor enhancements: live Markdown preview and "Insert figure".
   Everything works without this script: the Preview button posts the form to a rendered page, and the
   figure syntax is documented beside the body. The preview HTML comes sanitised from the server. */
(function () {
  "use strict";

  function csrfToken(form) {
    var input = form && form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function setupPreview(editor, textarea) {
    var url = editor.dataset.previewUrl;
    var panel = editor.querySelector(".markdown-preview");
    if (!url || !panel || !window.fetch) return;
    var body = panel.querySelector(".markdown-preview-body");
    var warnings = panel.querySelector(".markdown-preview-warnings");
    var form = textarea.form;
    var timer = null;
    var latest = 0;

    function refresh() {
      var request = ++latest;
      var data = new FormData();
      data.append("body", textarea.value);
      var format = form && form.querySelector("[name=body_format]");
      if (format) data.append("body_format", format.value);
      fetch(url, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(form), "X-Requested-With": "fetch" },
      })
        .then(function (response) {
          if (!response.ok) throw new Error(response.status);
          return response.json();
        })
        .then(function (result) {
          if (request !== latest) return; // an older answer arriving late
          body.innerHTML = result.html;
          warnings.replaceChildren();
          result.warnings.forEach(function (text) {
            var item = document.createElement("li");
            item.textContent = text;
            warnings.appendChild(item);
          });
          panel.hidden = false;
        })
        .catch(function () {
          /* Keep the last good preview; the Preview button still works. */
        });
    }

    textarea.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(refresh, 500);
    });
    if (textarea.value.trim()) refresh();
  }

  function setupFigures(editor, textarea) {
    var captionRow = editor.querySelector(".figure-caption-row");
    var captionInput = editor.querySelector(".figure-caption-input");
    var buttons = editor.querySelectorAll(".insert-figure");
    if (!buttons.length) return;
    if (captionRow) captionRow.hidden = false;
    buttons.forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        var caption = captionInput ? captionInput.value.trim().replace(/"/g, "\u201d") : "";
        var line = "[figure " + button.dataset.imageId + (caption ? ' caption="' + caption + '"' : "") + "]";
        var start = textarea.selectionStart;
        var end = textarea.selectionEnd;
        var before = textarea.value.slice(0, start);
        var after = textarea.value.slice(end);
        // A figure is a block: give it blank lines around it.
        var prefix = before && !/\n\n$/.test(before) ? (/\n$/.test(before) ? "\n" : "\n\n") : "";
        var suffix = /^\n\n/.test(after) ? "" : /^\n/.test(after) ? "\n" : "\n\n";
        textarea.value = before + prefix + line + suffix + after;
        var caret = (before + prefix + line).length;
        textarea.focus();
        textarea.setSelectionRange(caret, caret);
        textarea.dispatchEvent(new Event("input", { bubbles: true }));
        if (captionInput) captionInput.value = "";
      });
    });
  }

  function init() {
    document.querySelectorAll(".markdown-editor").forEach(function (editor) {
      var textarea = document.getElementById(editor.dataset.textarea);
      if (!textarea) return;
      setupPreview(editor, textarea);
      setupFigures(editor, textarea);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
