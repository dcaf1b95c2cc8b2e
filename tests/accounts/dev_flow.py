"""Run inside `manage.py shell` with the development settings: the whole simulated sign-in, nothing patched.

Used by test_simulation.py to prove that the settings `make run` starts with (not the test settings) give a
working simulation for every provider, including Google's and Facebook's import-time endpoints.
"""

import json
from urllib.parse import parse_qs, urlsplit

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from accounts.identity import commenter_identity


def main() -> None:
    call_command("migrate", verbosity=0)
    results = {}
    for provider_id in ("wordpress_com", "google", "twitter_oauth2", "facebook"):
        browser = Client(headers={"host": "127.0.0.1:8000"})
        start = browser.post(f"/accounts/{provider_id}/login/?process=login&next=/%23respond")
        consent_url = start.get("Location", "")
        fields = {key: values[0] for key, values in parse_qs(urlsplit(consent_url).query).items()}
        consent = browser.get(consent_url)
        allowed = browser.post(urlsplit(consent_url).path, {**fields, "name": f"Demo {provider_id}", "allow": ""})
        callback = urlsplit(allowed.get("Location", ""))
        landing = browser.get(f"{callback.path}?{callback.query}")
        user_id = browser.session.get("_auth_user_id")
        identity = commenter_identity(get_user_model().objects.get(pk=user_id)) if user_id else None
        results[provider_id] = {
            "consent_path": urlsplit(consent_url).path,
            "consent_labelled": "Development only." in consent.content.decode(),
            "landing": landing.get("Location"),
            "name": identity.name if identity else None,
            "provider_name": identity.provider_name if identity else None,
        }
    print(json.dumps(results))
