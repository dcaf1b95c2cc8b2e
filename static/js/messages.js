// Status messages ("Your comment was posted.") are in the page when it opens, when screen readers do not yet
// listen to the live region: put the words back a moment later so they are announced.
(function () {
  "use strict";
  var region = document.querySelector(".messages[role=status]");
  if (!region) return;
  var content = region.innerHTML;
  region.innerHTML = "";
  window.setTimeout(function () { region.innerHTML = content; }, 300);
})();
