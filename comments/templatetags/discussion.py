"""The post page pulls its discussion in through `{% discussion post %}`."""

from django import template

register = template.Library()


@register.inclusion_tag("comments/discussion.html", takes_context=True)
def discussion(context, post):
    return {"post": post, "request": context.get("request")}
