// Keeps a typed comment across a social login round trip: saved to sessionStorage when the reader
// clicks a provider icon (or Log Out / Change), restored into the empty comment box when they land back
// on the same post. Without JavaScript the login still works; only the draft is not carried over.
(function () {
  "use strict";
  if (window.mssiteCommentDraft) return; // both slot templates may include this script
  window.mssiteCommentDraft = true;

  var KEY = "mssite:comment-draft:" + window.location.pathname;

  function commentBox(container) {
    var form = container.closest("form");
    return form ? form.querySelector("textarea") : null;
  }

  function save(box) {
    try {
      if (box && box.value.trim()) sessionStorage.setItem(KEY, box.value);
    } catch (error) {
      /* storage full or disabled: the login goes on without the draft */
    }
  }

  function restore(box) {
    var draft;
    try {
      draft = sessionStorage.getItem(KEY);
    } catch (error) {
      return;
    }
    if (!draft || !box) return;
    if (!box.value.trim()) box.value = draft;
    sessionStorage.removeItem(KEY);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-social-login]").forEach(function (container) {
      var box = commentBox(container);
      restore(box);
      container.addEventListener("click", function (event) {
        if (event.target.closest("button, a")) save(box);
      });
    });
    // A comment that was posted no longer needs its draft.
    document.querySelectorAll("[data-social-login]").forEach(function (container) {
      var form = container.closest("form");
      if (form) {
        form.addEventListener("submit", function (event) {
          var submitter = event.submitter;
          if (!submitter || !submitter.hasAttribute("formaction")) {
            try {
              sessionStorage.removeItem(KEY);
            } catch (error) {
              /* nothing to clear */
            }
          }
        });
      }
    });
  });
})();
