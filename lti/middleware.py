"""Let an LMS frame the pages of a session that it launched, and only those.

A session opened by an LTI launch carries the LMS origins (`lti_frame_ancestors`).
Its pages may then be framed by those origins (CSP frame-ancestors, no
X-Frame-Options) and, on HTTPS, its session and CSRF cookies are SameSite=None;
Secure so the browser sends them inside the LMS iframe. Every other session
keeps `frame-ancestors 'none'`, X-Frame-Options DENY and SameSite=Lax cookies.
"""

from django.conf import settings

SESSION_KEY = "lti_frame_ancestors"


def frame_ancestors_policy(policy: str, ancestors: str) -> str:
    parts = [p.strip() for p in policy.split(";") if p.strip() and not p.strip().startswith("frame-ancestors")]
    return "; ".join([*parts, f"frame-ancestors {ancestors}"])


class LtiFrameMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        origins = session.get(SESSION_KEY) if session is not None else None
        if not origins:
            return response
        if "X-Frame-Options" in response.headers:
            del response.headers["X-Frame-Options"]
        policy = response.headers.get("Content-Security-Policy")
        if policy:
            response.headers["Content-Security-Policy"] = frame_ancestors_policy(policy, " ".join(["'self'", *origins]))
        if request.is_secure():
            for name in (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME):
                if name in response.cookies:
                    response.cookies[name]["samesite"] = "None"
                    response.cookies[name]["secure"] = True
        return response
