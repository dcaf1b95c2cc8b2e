/* Never lose writing: autosave the post being edited every 30 seconds and on leaving the page, and warn
   before leaving with changes that are not saved. The autosave is kept beside the post on the server (one
   per post and person) and never replaces the saved or published version: reopening the post offers it.
   Without this script the form works as before; only the safety net is missing. */
(function () {
  "use strict";

  var INTERVAL = 30 * 1000;
  var WORDS = ["title", "excerpt", "body"];

  function init() {
    var status = document.getElementById("autosave-status");
    var form = status && status.closest("form");
    if (!form || !status.dataset.autosaveUrl || !window.fetch || !window.FormData) return;
    var url = status.dataset.autosaveUrl;
    var token = form.querySelector("input[name=csrfmiddlewaretoken]");
    var fields = WORDS.map(function (name) {
      return form.elements[name];
    }).filter(Boolean);
    var dirty = status.hasAttribute("data-restored");
    var leaving = false;
    var pending = false;

    function words() {
      return fields
        .map(function (field) {
          return field.value;
        })
        .join("\u0000");
    }

    var kept = words(); // what the server already has: the saved post, or the last autosave

    function say(text) {
      status.textContent = text;
    }

    function autosave(onLeaving) {
      var current = words();
      if (current === kept || (pending && !onLeaving)) return;
      var data = new FormData();
      if (token) data.append("csrfmiddlewaretoken", token.value);
      fields.forEach(function (field) {
        data.append(field.name, field.value);
      });
      pending = true;
      fetch(url, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        keepalive: !!onLeaving,
        headers: { "X-Requested-With": "fetch" },
      })
        .then(function (response) {
          if (!response.ok) throw new Error(response.status);
          return response.json();
        })
        .then(function (result) {
          kept = current;
          say("Unsaved changes kept at " + result.saved_at_display + " (autosave; not on the site until you save).");
        })
        .catch(function () {
          say("Autosave failed: your text is still here. Save the draft to keep it.");
        })
        .finally(function () {
          pending = false;
        });
    }

    form.addEventListener("input", function () {
      dirty = true;
    });
    form.addEventListener("change", function () {
      dirty = true;
    });
    form.addEventListener("submit", function (event) {
      // Preview opens a new tab; every other button saves the post and leaves this page.
      var submitter = event.submitter;
      if (submitter && submitter.formTarget === "_blank") return;
      leaving = true;
    });

    window.setInterval(autosave, INTERVAL);
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden" && !leaving) autosave(true);
    });
    window.addEventListener("pagehide", function () {
      if (!leaving) autosave(true);
    });
    window.addEventListener("beforeunload", function (event) {
      if (leaving || !dirty) return;
      autosave(true);
      event.preventDefault();
      event.returnValue = ""; // older browsers need a value to show their "Leave site?" question
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
