"""Security headers the framework does not set by itself."""

from django.conf import settings
from django.http import HttpResponseBadRequest
from django.utils.translation import gettext as _

from coursesite.errors import BadPayload

# Scripts and style sheets only from this site; no inline script anywhere. Inline style
# *attributes* stay allowed (progress bar widths), style elements do not.
DEFAULT_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "style-src-elem 'self'",
        "style-src-attr 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = getattr(settings, "CONTENT_SECURITY_POLICY", DEFAULT_POLICY)

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.policy)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response


class BadPayloadMiddleware:
    """A `BadPayload` that no view caught is a request no page of this site sends: 400, never a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, BadPayload):
            return HttpResponseBadRequest(_("This form is not one this site sends."))
        return None
