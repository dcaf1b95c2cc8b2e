"""Provider buttons and the signed-in commenter's identity, for the comment form and account pages."""

from allauth.socialaccount.adapter import get_adapter
from django import template
from django.templatetags.static import static

from accounts.identity import commenter_identity, social_identity

register = template.Library()


@register.simple_tag(takes_context=True)
def social_login_providers(context, next_url: str = "", process: str = "login") -> list[dict]:
    """The configured providers, each with the URL its button POSTs to (allauth's provider login URL)."""
    request = context["request"]
    providers = []
    for provider in get_adapter(request).list_providers(request):
        params = {"process": process}
        if next_url:
            params["next"] = next_url
        providers.append(
            {
                "id": provider.id,
                "name": provider.name,
                "login_url": provider.get_login_url(request, **params),
                "icon_url": static(f"img/providers/{provider.id}.svg"),
                "simulated": bool((provider.app.settings or {}).get("simulated")) if provider.app else False,
            }
        )
    return providers


@register.simple_tag(takes_context=True)
def comment_return_url(context) -> str:
    """Where a reader lands after logging in or out from the comment form: this post, at the form."""
    post = context.get("post")
    path = post.get_absolute_url() if post is not None and hasattr(post, "get_absolute_url") else None
    return f"{path or context['request'].path}#respond"


@register.simple_tag(takes_context=True)
def signed_in_commenter(context):
    """The identity the signed-in reader's comments will carry, with the provider they signed in with."""
    return commenter_identity(context["request"].user)


@register.simple_tag
def connected_account(account):
    """How a connected account is shown on the connections page: the provider's name, avatar and brand."""
    return social_identity(account)
