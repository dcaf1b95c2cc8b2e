"""Account pages for readers (change provider, download data, delete account) and the dev-only simulation."""

import json

from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.templatetags.static import static
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from accounts import services, simulation
from accounts.identity import provider_name


def safe_next(request: HttpRequest, default: str = "/") -> str:
    """The `next` parameter when it points into this site, else `default`."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


def choose_provider(request: HttpRequest) -> HttpResponse:
    """ "Change": pick another provider to comment with, then come back to the post."""
    return render(request, "accounts/choose_provider.html", {"next_url": safe_next(request)})


class DeleteAccountForm(forms.Form):
    comments = forms.ChoiceField(
        label="What should happen to your comments?",
        choices=services.CommentsOnDelete.choices,
        widget=forms.RadioSelect,
    )
    confirm = forms.BooleanField(label="I understand that my account cannot be restored.")


@login_required
@require_http_methods(["GET", "POST"])
def delete_account(request: HttpRequest) -> HttpResponse:
    if request.user.is_staff:
        return render(request, "accounts/delete_account.html", {"staff": True}, status=403)
    form = DeleteAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.delete_account(user=request.user, comments=services.CommentsOnDelete(form.cleaned_data["comments"]))
        logout(request)
        messages.success(request, "Your account has been deleted.")
        return HttpResponseRedirect("/")
    return render(request, "accounts/delete_account.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def download_data(request: HttpRequest) -> HttpResponse:
    data = services.account_data(user=request.user)
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json; charset=utf-8"
    )
    filename = f"mssite-data-{request.user.get_username()}-{timezone.now():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class ConsentForm(forms.Form):
    name = forms.CharField(label="Demo name", max_length=80)


@require_http_methods(["GET", "POST"])
def simulated_authorize(request: HttpRequest, provider_id: str) -> HttpResponse:
    """A provider's consent page, played by the site in development. Never exists elsewhere."""
    if not simulation.is_enabled() or provider_id not in simulation.DEMO_NAMES:
        raise Http404("No simulated sign-in here.")
    params = request.POST if request.method == "POST" else request.GET
    client_id = params.get("client_id", "")
    redirect_uri = params.get("redirect_uri", "")
    callback_path = f"/accounts/{provider_id}/login/callback/"
    if client_id != f"simulated-{provider_id}" or not _is_own_callback(request, redirect_uri, callback_path):
        return render(request, "accounts/simulated_consent.html", {"invalid": True}, status=400)
    oauth = {
        key: params.get(key, "")
        for key in ("client_id", "redirect_uri", "state", "scope", "code_challenge", "code_challenge_method")
    }
    form = ConsentForm(request.POST or None, initial={"name": simulation.DEMO_NAMES[provider_id]})
    if request.method == "POST":
        if "deny" in request.POST:
            return HttpResponseRedirect(
                simulation.redirect_with(redirect_uri, error="access_denied", state=oauth["state"])
            )
        if form.is_valid():
            identity = simulation.demo_identity(
                provider_id,
                form.cleaned_data["name"],
                avatar_url=request.build_absolute_uri(static(f"img/providers/demo-{provider_id}.svg")),
            )
            code = simulation.issue_code(
                provider_id=provider_id,
                client_id=client_id,
                redirect_uri=redirect_uri,
                code_challenge=oauth["code_challenge"],
                identity=identity,
            )
            return HttpResponseRedirect(simulation.redirect_with(redirect_uri, code=code, state=oauth["state"]))
    context = {"form": form, "oauth": oauth, "provider_id": provider_id, "provider_name": provider_name(provider_id)}
    return render(request, "accounts/simulated_consent.html", context)


def _is_own_callback(request: HttpRequest, redirect_uri: str, callback_path: str) -> bool:
    return redirect_uri == request.build_absolute_uri(callback_path)
