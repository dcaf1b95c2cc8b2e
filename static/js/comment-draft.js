// Keeps what a reader typed in the comment box until the server confirms the comment was saved.
//
// On Post Comment the text (and which comment it answers) is stored in this browser. The server confirms
// by sending the reader to the new comment's anchor (#comment-N). Any other way back to the form — the
// database was away and the POST got a 503, the connection dropped, the reader pressed Back — finds the
// draft unconfirmed: it goes back into an empty comment box with a "not saved, try again" message.
(function () {
  "use strict";
  var form = document.getElementById("commentform");
  if (!form) return;
  var box = form.querySelector("textarea[name=comment]");
  if (!box) return;
  var KEY = "mssite:unsent-comment:" + new URL(form.action, window.location.href).pathname;
  var MAX_AGE_MS = 24 * 60 * 60 * 1000;
  // What else a guest typed, so nothing has to be typed twice (gone once the server confirms, or after a day).
  var DETAILS = ["name", "email", "url"];

  function read() {
    try {
      var draft = JSON.parse(window.localStorage.getItem(KEY) || "null");
      if (draft && typeof draft.text === "string" && Date.now() - draft.at < MAX_AGE_MS) return draft;
      window.localStorage.removeItem(KEY);
    } catch (error) {
      /* storage disabled or damaged: nothing to restore */
    }
    return null;
  }

  function forget() {
    try {
      window.localStorage.removeItem(KEY);
    } catch (error) {
      /* nothing stored */
    }
  }

  function keep() {
    if (!box.value.trim()) return;
    var parent = form.querySelector("[name=parent]");
    var details = {};
    DETAILS.forEach(function (name) {
      var field = form.querySelector("input[name=" + name + "]");
      if (field) details[name] = field.value;
    });
    var draft = { text: box.value, details: details, from: window.location.href, at: Date.now() };
    draft.parent = parent ? parent.value : "";
    try {
      window.localStorage.setItem(KEY, JSON.stringify(draft));
    } catch (error) {
      /* storage full or disabled: the comment is still posted, only not kept */
    }
  }

  function confirmedByServer(draft) {
    return /^#comment-\d+$/.test(window.location.hash) && window.location.href !== draft.from;
  }

  function showNotSaved() {
    if (document.getElementById("comment-not-saved")) return;
    var note = document.createElement("div");
    note.id = "comment-not-saved";
    note.className = "comment-form-error";
    note.setAttribute("role", "alert");
    var text = document.createElement("p");
    text.textContent =
      "Your comment was not saved: the site could not store it. It is back in the box below; please post it again.";
    note.appendChild(text);
    var field = box.closest("p, div") || box;
    field.parentNode.insertBefore(note, field);
  }

  // fromMemory: the page came back from the browser's back/forward cache, the box as the reader left it.
  function restore(fromMemory) {
    var draft = read();
    if (!draft) return;
    if (confirmedByServer(draft)) {
      forget();
      return;
    }
    if (!box.value.trim()) {
      box.value = draft.text;
      var parent = form.querySelector("[name=parent]");
      if (parent && !parent.value && draft.parent) parent.value = draft.parent;
      DETAILS.forEach(function (name) {
        var field = form.querySelector("input[name=" + name + "]");
        if (field && !field.value && draft.details && draft.details[name]) field.value = draft.details[name];
      });
      showNotSaved();
    } else if (fromMemory && box.value === draft.text) {
      showNotSaved();
    }
    // Otherwise the server showed the form again with the text and its own reason (a 400): nothing to add.
  }

  form.addEventListener("submit", function (event) {
    // Only Post Comment; the login icons submit the same form elsewhere (formaction) and keep their own draft.
    var button = event.submitter;
    if (button && button.hasAttribute("formaction")) return;
    keep();
  });
  restore(false);
  // Back and Forward may show this page from the browser's memory without running the script again.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) restore(true);
  });
})();
