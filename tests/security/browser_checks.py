"""What a page did in Chromium: CSP violations, dialogs, uncaught errors, and script-bearing DOM left behind."""

from __future__ import annotations

from dataclasses import dataclass, field

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"} `
    + `at ${event.sourceFile || document.location.pathname}:${event.lineNumber} (${event.sample || ""})`);
});
"""

# Elements or attributes in the live DOM that could run script, whatever the server's HTML looked like.
FIND_SCRIPT_BEARING_DOM = """
(staticUrl) => {
  const found = [];
  for (const element of document.querySelectorAll("*")) {
    for (const attribute of element.attributes) {
      const name = attribute.name.toLowerCase();
      const value = attribute.value.replace(/[\\u0000-\\u0020]/g, "").toLowerCase();
      if (name.startsWith("on")) found.push(`<${element.localName} ${name}>`);
      if (["href", "src", "action", "formaction", "xlink:href", "data", "poster"].includes(name)
          && (value.startsWith("javascript:") || value.startsWith("data:text/html"))) {
        found.push(`<${element.localName} ${name}=${attribute.value}>`);
      }
    }
    if (element.localName === "script" && !["application/ld+json", "application/json"].includes(element.type)) {
      const src = element.getAttribute("src") || "";
      if (!src.startsWith(staticUrl) && !src.startsWith("/admin/jsi18n/")) found.push(`<script src=${src}>`);
    }
    if (element.localName === "iframe" || element.localName === "object" || element.localName === "embed") {
      found.push(`<${element.localName}>`);
    }
  }
  return found;
}
"""


@dataclass
class Watch:
    page: object
    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    console_violations: list[str] = field(default_factory=list)

    def violations(self) -> list[str]:
        return self.page.evaluate("window.__cspViolations || []") + self.console_violations

    def script_bearing_dom(self, static_url: str) -> list[str]:
        return self.page.evaluate(FIND_SCRIPT_BEARING_DOM, static_url)


def watch(page) -> Watch:
    """Record every CSP violation (event and console), every dialog (dismissed) and uncaught error on `page`."""
    watched = Watch(page)
    page.add_init_script(RECORD_VIOLATIONS)

    def on_dialog(dialog):
        watched.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def on_console(message):
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            watched.console_violations.append(message.text)

    page.on("dialog", on_dialog)
    page.on("console", on_console)
    page.on("pageerror", lambda error: watched.errors.append(str(error)))
    return watched


def sign_in(context, live_server_url: str, user) -> None:
    """Give the browser the session of `user`, as if they had logged in."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    cookie = client.cookies["sessionid"]
    context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server_url}])
