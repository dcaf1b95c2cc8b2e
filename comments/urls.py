from django.urls import path

# Importing the posts URLconf registers its id, yyyy, dd and segment converters: comment pages share the permalink format.
from posts.urls import POST_PERMALINK, FourDigitYearConverter, IdConverter, TwoDigitConverter  # noqa: F401
from posts.views import PostDetailView

from . import email_links, feeds, views

app_name = "comments"

urlpatterns = [
    path("comments/post/<id:post_id>/", views.post_comment, name="post"),
    path("comments/page/<id:page_id>/", views.post_page_comment, name="page"),
    path("follow/", views.follow, name="follow"),
    path("avatars/<str:initials>/<int:hue>.svg", views.avatar, name="avatar"),
    path("comments/<id:pk>/edit/", views.edit_comment, name="edit"),
    path("comments/form-token/", views.form_token, name="form_token"),
    path("comments/<id:pk>/delete/", views.delete_comment, name="delete"),
    # /YYYY/MM/DD/slug/comment-page-N/: the post page showing the Nth page of top-level comments.
    path(
        f"{POST_PERMALINK}comment-page-<int:comment_page>/",
        PostDetailView.as_view(),
        name="post_page",
    ),
    # Feeds (RSS 2.0): all comments, and one post's comments next to its WordPress permalink.
    path("comments/feed/", feeds.LatestCommentsFeed(), name="feed"),
    path(f"{POST_PERMALINK}feed/", feeds.PostCommentsFeed(), name="post_feed"),
    # Links in emails: a GET shows a page with one button, the button POSTs.
    path("comments/subscription/confirm/<str:token>/", email_links.confirm_subscription, name="confirm_subscription"),
    path("comments/unsubscribe/<str:token>/", email_links.unsubscribe, name="unsubscribe"),
    path("comments/moderate/<str:token>/", email_links.moderation_link, name="moderation_link"),
]
