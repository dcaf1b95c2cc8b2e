/* Comment replies: "Reply" moves the form under the comment and sets its parent; "Cancel reply"
 * puts it back. Without JavaScript the links work server-side through ?replytocom=ID#respond. */
(function () {
  "use strict";

  var respond = document.getElementById("respond");
  if (!respond) return;
  var form = respond.querySelector("form");
  var parentInput = form && form.querySelector("input[name=parent]");
  var title = document.getElementById("reply-title-text");
  var cancel = document.getElementById("cancel-comment-reply-link");
  if (!parentInput || !title || !cancel) return;

  var defaultTitle = "Leave a Reply";
  var home = document.createElement("div");
  home.id = "respond-home";
  home.hidden = true;
  respond.parentNode.insertBefore(home, respond);

  function replyTo(commentId, below, author) {
    below.parentNode.insertBefore(respond, below.nextSibling);
    parentInput.value = commentId;
    title.textContent = "Leave a Reply to " + author;
    cancel.hidden = false;
    var textarea = form.querySelector("textarea");
    if (textarea) textarea.focus();
  }

  function cancelReply() {
    home.parentNode.insertBefore(respond, home.nextSibling);
    parentInput.value = "";
    title.textContent = defaultTitle;
    cancel.hidden = true;
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest(".comment-reply-link");
    if (!link) return;
    var below = document.getElementById(link.getAttribute("data-below"));
    if (!below) return;
    event.preventDefault();
    replyTo(link.getAttribute("data-comment-id"), below, link.getAttribute("data-author"));
  });

  cancel.addEventListener("click", function (event) {
    event.preventDefault();
    cancelReply();
    var textarea = form.querySelector("textarea");
    if (textarea) textarea.focus();
  });

  // Arriving through ?replytocom=ID (or a re-shown reply), the form sits under that comment.
  if (parentInput.value) {
    var link = document.querySelector('.comment-reply-link[data-comment-id="' + parentInput.value + '"]');
    var below = link && document.getElementById(link.getAttribute("data-below"));
    if (below) below.parentNode.insertBefore(respond, below.nextSibling);
  }
})();
