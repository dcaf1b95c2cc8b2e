from django.apps import AppConfig


class CommentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "comments"

    def ready(self):
        from posts import pagecache

        # Comments and discussion settings show on public pages (not in the footer's lists); subscriptions and
        # announcement records do not show at all.
        pagecache.watch_app(self.label, ignore={"Subscription", "PostAnnouncement"}, in_footer=False)
        from .reply_form import REPLY_FORM_HOLE, reply_form_for_reader

        # Readers with a cookie get the cached page with the reply form made theirs.
        pagecache.register_hole(REPLY_FORM_HOLE, reply_form_for_reader)
        from django.test.signals import setting_changed

        from .reply_form import forget_kept_forms

        # Kept forms follow the settings they were rendered with (a deploy starts new processes; tests change them).
        setting_changed.connect(forget_kept_forms, dispatch_uid="comments.reply_form.forget_kept_forms")

        from posts.signals import demo_content_loaded

        from . import checks  # noqa: F401  (registers the deployment checks)
        from .demo import add_demo_discussion

        demo_content_loaded.connect(add_demo_discussion, dispatch_uid="comments.demo.add_demo_discussion")

        from django.db.models.signals import post_save

        from posts.models import Post

        from .tasks import post_saved

        # A post saved as public now is emailed to new-post subscribers once, after commit.
        post_save.connect(post_saved, sender=Post, dispatch_uid="comments.tasks.post_saved")
