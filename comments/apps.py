from django.apps import AppConfig


class CommentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "comments"

    def ready(self):
        from posts.signals import demo_content_loaded

        from .demo import add_demo_discussion

        demo_content_loaded.connect(add_demo_discussion, dispatch_uid="comments.demo.add_demo_discussion")
