"""Error reports to ADMINS through the task queue, so a failing request never waits on the mail server."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils.log import AdminEmailHandler


class QueuedAdminEmailHandler(AdminEmailHandler):
    """Django's error emails (a 500, a forged Host header) queued as ``send_email`` tasks instead of sent inline.

    Django's own handler talks SMTP on the request thread: every error then costs up to EMAIL_TIMEOUT, a burst
    of bad requests becomes a burst of blocking sends, and a refusing server loses the report. Queued, the
    report is retried with backoff like every other email. If the queue itself is down, logging's
    ``handleError`` prints the failure beside the error already written to the console.
    """

    def send_mail(self, subject, message, *args, **kwargs):
        from comments import outbox

        if not settings.ADMINS:
            return
        report = EmailMultiAlternatives(
            subject=f"{settings.EMAIL_SUBJECT_PREFIX}{subject}",
            body=message,
            from_email=settings.SERVER_EMAIL,
            to=[address for _name, address in settings.ADMINS],
        )
        if kwargs.get("html_message"):
            report.attach_alternative(kwargs["html_message"], "text/html")
        for payload in outbox.payloads(report):
            outbox.send_email.enqueue(payload)
