// The WordPress import's page while a background import runs: ask how it goes every few seconds and
// reload the page (which then shows the report) once it has finished. Without JavaScript, <noscript>
// refreshes the whole page instead.
(function () {
  "use strict";
  var box = document.querySelector(".import-progress[data-progress-url]");
  if (!box) {
    return;
  }
  var url = box.getAttribute("data-progress-url");
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (state) {
        if (state && state.finished) {
          window.location.reload();
        } else {
          window.setTimeout(poll, 3000);
        }
      })
      .catch(function () {
        window.setTimeout(poll, 10000);
      });
  }
  window.setTimeout(poll, 3000);
})();
