/* Pages from the full-page cache are the same for every reader, so their forms carry no CSRF token.
 * Comment posting needs none; buttons that post elsewhere (the social-login icons) do. This shows them and,
 * on the first click, fetches a token for this reader, adds it to the form and submits with that button.
 * Without JavaScript the icons stay hidden and a link leads to the sign-in page instead. */
(function () {
  "use strict";

  document.querySelectorAll("[data-form-token]").forEach(function (container) {
    var form = container.closest("form");
    if (!form || !window.fetch) return;
    container.hidden = false;
    container.addEventListener("click", function (event) {
      var button = event.target.closest && event.target.closest("button[formaction]");
      if (!button || form.querySelector("input[name=csrfmiddlewaretoken]")) return;
      event.preventDefault();
      fetch(container.getAttribute("data-form-token"), { credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) throw new Error("no token");
          return response.json();
        })
        .then(function (answer) {
          var input = document.createElement("input");
          input.type = "hidden";
          input.name = "csrfmiddlewaretoken";
          input.value = answer.csrfToken;
          form.appendChild(input);
          if (form.requestSubmit) form.requestSubmit(button);
          else button.click();
        })
        .catch(function () {
          window.location.href = button.getAttribute("formaction");
        });
    });
  });
})();
