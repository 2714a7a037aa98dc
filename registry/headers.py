"""Security headers on every answer, pages and API alike: no script but the site's own files (the
pages need none), no framing by other sites, no sniffing, no full addresses in referrers to other
sites (verification links carry codes), and HSTS over HTTPS. Requests for a host not trusted are refused."""

from flask import Flask, request

POLICY = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
          "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'")
ALWAYS = [("Content-Security-Policy", POLICY), ("X-Content-Type-Options", "nosniff"), ("X-Frame-Options", "DENY"),
          ("Referrer-Policy", "strict-origin-when-cross-origin")]


def init_app(app: Flask) -> None:
    # A request for any other Host is refused with 400 before routing (Flask's TRUSTED_HOSTS): the
    # pages' absolute links, verification URLs among them, follow the Host when no public base URL is set.
    app.config["TRUSTED_HOSTS"] = app.config["REGISTRY"].trusted_hosts

    @app.after_request
    def secure(response):
        for name, value in security_headers(request.is_secure):
            response.headers.setdefault(name, value)
        return response


def security_headers(secure: bool) -> list[tuple[str, str]]:
    """The headers every answer carries (HSTS over HTTPS only)."""
    return [*ALWAYS, ("Strict-Transport-Security", "max-age=31536000")] if secure else ALWAYS
