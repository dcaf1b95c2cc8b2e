// The header menu folds away on a phone screen; it stays open on wider screens and without JavaScript.
(function () {
  "use strict";
  var menu = document.querySelector("[data-collapsible-menu]");
  if (!menu || !window.matchMedia) return;
  var phone = window.matchMedia("(max-width: 40rem)");
  function fit() {
    menu.open = !phone.matches;
  }
  fit();
  if (phone.addEventListener) phone.addEventListener("change", fit);
})();
