"""Security headers on every answer, pages and API alike: no script but the site's own files (the
pages need none), no framing by other sites, no sniffing, no full addresses in referrers to other
sites (verification links carry codes), and HSTS over HTTPS. Requests for a host not trusted are refused."""

from flask import Flask, request

POLICY = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
          "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'")


def init_app(app: Flask) -> None:
    # A request for any other Host is refused with 400 before routing (Flask's TRUSTED_HOSTS): the
    # pages' absolute links, verification URLs among them, follow the Host when no public base URL is set.
    app.config["TRUSTED_HOSTS"] = app.config["REGISTRY"].trusted_hosts

    @app.after_request
    def secure(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        if request.is_secure:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response
