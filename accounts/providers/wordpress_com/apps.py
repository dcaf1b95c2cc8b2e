from django.apps import AppConfig


class WordPressComConfig(AppConfig):
    name = "accounts.providers.wordpress_com"
    label = "wordpress_com"
    verbose_name = "WordPress.com login"
