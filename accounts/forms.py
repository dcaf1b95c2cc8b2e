"""Forms of the accounts app."""

from allauth.account.forms import LoginForm
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError


class AdminLoginForm(AdminAuthenticationForm):
    """The admin's sign-in, checked by allauth's login form.

    So /admin/login/ shares /accounts/login/'s failed-login limit and lockout (allauth's `login_failed`
    rate, per address and per login, counted in the shared cache): a password guessed at one door counts
    at the other, and an account locked at one is locked at both.
    """

    def clean(self):
        username, password = self.cleaned_data.get("username"), self.cleaned_data.get("password")
        if username is None or not password:
            return self.cleaned_data
        login = LoginForm(data={"login": username, "password": password}, request=self.request)
        if not login.is_valid():
            refusals = [error for errors in login.errors.as_data().values() for error in errors]
            if any(error.code == "too_many_login_attempts" for error in refusals):
                raise ValidationError(refusals[0].messages, code="too_many_login_attempts")
            raise self.get_invalid_login_error()
        self.user_cache = login.user
        self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data
