/* Post editor enhancements: live Markdown preview, "Insert figure" (a picker with search that refreshes
   without a reload), and images dropped or pasted into the body: uploaded once their alt text is given,
   then inserted as a figure.
   Everything works without this script: the Preview button posts the form to a rendered page, and the
   figure syntax is documented beside the body. The preview HTML comes sanitised from the server. */
(function () {
  "use strict";

  function csrfToken(form) {
    var input = form && form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  // A POST of `data` to one of the editor's views, with the CSRF token of the post's form.
  function postTo(url, form, data) {
    return fetch(url, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(form), "X-Requested-With": "fetch" },
    });
  }

  // The JSON of a successful answer; any other answer fails the promise (the caller keeps what it shows).
  function jsonOf(response) {
    if (!response.ok) throw new Error(response.status);
    return response.json();
  }

  // Replace the items of a list (<ul>, <ol>) with one <li> per text.
  function showItems(list, texts) {
    list.replaceChildren.apply(
      list,
      (texts || []).map(function (text) {
        var item = document.createElement("li");
        item.textContent = text;
        return item;
      })
    );
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
      postTo(url, form, data)
        .then(jsonOf)
        .then(function (result) {
          if (request !== latest) return; // an older answer arriving late
          body.innerHTML = result.html;
          showItems(warnings, result.warnings);
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

  function insertFigure(textarea, line, at) {
    // A figure is a block: give it blank lines around it.
    var start = at === undefined ? textarea.selectionStart : at;
    var end = at === undefined ? textarea.selectionEnd : at;
    var before = textarea.value.slice(0, start);
    var after = textarea.value.slice(end);
    var prefix = before && !/\n\n$/.test(before) ? (/\n$/.test(before) ? "\n" : "\n\n") : "";
    var suffix = /^\n\n/.test(after) ? "" : /^\n/.test(after) ? "\n" : "\n\n";
    textarea.value = before + prefix + line + suffix + after;
    var caret = (before + prefix + line).length;
    textarea.focus();
    textarea.setSelectionRange(caret, caret);
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function choiceItem(image) {
    var item = document.createElement("li");
    var thumbnail = document.createElement("img");
    thumbnail.src = image.thumbnail_url;
    thumbnail.alt = "";
    thumbnail.width = 64;
    thumbnail.loading = "lazy";
    var code = document.createElement("code");
    code.textContent = image.figure;
    var alt = document.createElement("span");
    alt.className = "figure-alt";
    alt.textContent = image.alt_text.length > 80 ? image.alt_text.slice(0, 79) + "…" : image.alt_text;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button insert-figure";
    button.dataset.imageId = image.id;
    button.textContent = "Insert";
    item.append(thumbnail, " ", code, " ", alt, " ", button);
    return item;
  }

  function setupFigures(editor, textarea) {
    var picker = editor.querySelector(".figure-picker");
    var list = editor.querySelector(".figure-choices");
    var captionRow = editor.querySelector(".figure-caption-row");
    var captionInput = editor.querySelector(".figure-caption-input");
    var searchRow = editor.querySelector(".figure-search-row");
    var searchInput = editor.querySelector(".figure-search-input");
    var refreshButton = editor.querySelector(".figure-refresh");
    var empty = editor.querySelector(".figure-empty");
    var choicesUrl = editor.dataset.choicesUrl;
    if (!list) return;
    if (captionRow) captionRow.hidden = false;
    list.querySelectorAll(".insert-figure").forEach(function (button) {
      button.hidden = false;
    });
    list.addEventListener("click", function (event) {
      var button = event.target.closest(".insert-figure");
      if (!button) return;
      var caption = captionInput ? captionInput.value.trim().replace(/"/g, "\u201d") : "";
      insertFigure(textarea, "[figure " + button.dataset.imageId + (caption ? ' caption="' + caption + '"' : "") + "]");
      if (captionInput) captionInput.value = "";
    });

    function show(images) {
      list.replaceChildren.apply(list, images.map(choiceItem));
      if (empty) empty.hidden = images.length > 0;
    }

    var latest = 0;
    function refresh() {
      if (!choicesUrl || !window.fetch) return;
      var request = ++latest;
      var query = searchInput && searchInput.value.trim() ? "?q=" + encodeURIComponent(searchInput.value.trim()) : "";
      fetch(choicesUrl + query, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
        .then(jsonOf)
        .then(function (result) {
          if (request === latest) show(result.images);
        })
        .catch(function () {
          /* The list shown stays; a reload still refreshes it. */
        });
    }

    if (choicesUrl && window.fetch && searchRow) {
      searchRow.hidden = false;
      var timer = null;
      searchInput.addEventListener("input", function () {
        clearTimeout(timer);
        timer = setTimeout(refresh, 300);
      });
      // Enter in the search box searches; it must not submit the post.
      searchInput.addEventListener("keydown", function (event) {
        if (event.key === "Enter") {
          event.preventDefault();
          refresh();
        }
      });
      refreshButton.addEventListener("click", refresh);
      // Opening the picker shows images uploaded meanwhile (in another tab, or by a colleague).
      if (picker) {
        picker.addEventListener("toggle", function () {
          if (picker.open) refresh();
        });
      }
    }
    editor.addEventListener("figure-uploaded", function (event) {
      if (empty) empty.hidden = true;
      list.prepend(choiceItem(event.detail));
    });
  }

  function isImage(file) {
    return file && /^image\//.test(file.type);
  }

  function setupUpload(editor, textarea) {
    var url = editor.dataset.uploadUrl;
    var dialog = editor.querySelector(".figure-upload");
    if (!url || !dialog || !window.fetch || !window.FormData || typeof dialog.showModal !== "function") return;
    var form = textarea.form;
    var preview = dialog.querySelector(".figure-upload-preview");
    var name = dialog.querySelector(".figure-upload-name");
    var altInput = dialog.querySelector(".figure-upload-alt");
    var captionInput = dialog.querySelector(".figure-upload-caption");
    var altErrors = dialog.querySelector(".figure-upload-alt-errors");
    var fileErrors = dialog.querySelector(".figure-upload-file-errors");
    var send = dialog.querySelector(".figure-upload-send");
    var status = editor.querySelector(".figure-status");
    var help = editor.querySelector(".figure-drop-help");
    var queue = [];
    var current = null;
    var caret = 0;
    if (help) help.hidden = false;

    function next() {
      current = queue.shift() || null;
      if (!current) return;
      showItems(altErrors, []);
      showItems(fileErrors, []);
      altInput.value = "";
      captionInput.value = "";
      altInput.removeAttribute("aria-invalid");
      name.textContent = current.name ? "File: " + current.name : "An image from the clipboard";
      // A data: address (the Content-Security-Policy allows data: images, not blob:).
      preview.hidden = true;
      preview.removeAttribute("src");
      var reader = new FileReader();
      var shown = current;
      reader.onload = function () {
        if (current !== shown) return;
        preview.src = reader.result;
        preview.hidden = false;
      };
      reader.readAsDataURL(current);
      send.disabled = false;
      dialog.showModal();
      altInput.focus();
    }

    function offer(files) {
      var images = Array.prototype.filter.call(files || [], isImage);
      if (!images.length) return false;
      caret = textarea.selectionEnd;
      queue = queue.concat(images);
      if (!current) next();
      return true;
    }

    function close() {
      dialog.close();
      current = null;
      preview.removeAttribute("src");
      // Back where the author was writing (the dialog took the focus, and with it the caret).
      textarea.focus();
      textarea.setSelectionRange(caret, caret);
      next();
    }

    send.addEventListener("click", function () {
      var alt = altInput.value.trim();
      if (!alt) {
        showItems(altErrors, ["Describe the image for readers who cannot see it."]);
        altInput.setAttribute("aria-invalid", "true");
        altInput.focus();
        return;
      }
      var data = new FormData();
      data.append("file", current, current.name || "pasted-image.png");
      data.append("alt_text", alt);
      data.append("caption", captionInput.value.trim());
      send.disabled = true;
      name.textContent = "Uploading\u2026";
      postTo(url, form, data)
        .then(function (response) {
          return response.json().then(
            function (result) {
              return { ok: response.ok, result: result };
            },
            function () {
              return { ok: false, result: { errors: { file: ["The upload failed (" + response.status + "). Try again."] } } };
            }
          );
        })
        .then(function (answer) {
          if (!answer.ok) {
            var problems = answer.result.errors || {};
            showItems(altErrors, problems.alt_text);
            showItems(fileErrors, problems.file || problems.__all__);
            name.textContent = current.name || "";
            send.disabled = false;
            (problems.alt_text ? altInput : send).focus();
            return;
          }
          var image = answer.result;
          textarea.focus();
          insertFigure(textarea, image.figure, Math.min(caret, textarea.value.length));
          caret = textarea.selectionEnd;
          editor.dispatchEvent(new CustomEvent("figure-uploaded", { detail: image }));
          if (status) status.textContent = "Image uploaded and inserted as " + image.figure + ".";
          close();
        })
        .catch(function () {
          showItems(fileErrors, ["The upload failed: check the connection and try again."]);
          name.textContent = current ? current.name || "" : "";
          send.disabled = false;
        });
    });
    dialog.querySelector(".figure-upload-cancel").addEventListener("click", close);
    dialog.addEventListener("cancel", function (event) {
      event.preventDefault(); // Escape: the same as Cancel
      close();
    });
    altInput.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
        send.click();
      }
    });

    textarea.addEventListener("dragover", function (event) {
      if (event.dataTransfer && Array.prototype.indexOf.call(event.dataTransfer.types, "Files") !== -1) {
        event.preventDefault();
        editor.classList.add("dropping");
      }
    });
    textarea.addEventListener("dragleave", function () {
      editor.classList.remove("dropping");
    });
    textarea.addEventListener("drop", function (event) {
      editor.classList.remove("dropping");
      if (event.dataTransfer && offer(event.dataTransfer.files)) event.preventDefault();
    });
    textarea.addEventListener("paste", function (event) {
      if (event.clipboardData && offer(event.clipboardData.files)) event.preventDefault();
    });
  }

  function init() {
    document.querySelectorAll(".markdown-editor").forEach(function (editor) {
      var textarea = document.getElementById(editor.dataset.textarea);
      if (!textarea) return;
      setupPreview(editor, textarea);
      setupFigures(editor, textarea);
      setupUpload(editor, textarea);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
