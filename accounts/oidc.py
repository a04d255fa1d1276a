"""Sign-in with the school's account (OpenID Connect, code flow with PKCE) through mozilla-django-oidc.

Off unless the OIDC_* settings name a client and the provider's endpoints. The library does the
protocol (state, nonce, PKCE, the ID token's signature against the provider's JWKS); this module
only decides which site account a verified identity opens (`accounts.services.oidc_identity_sign_in`)
and never creates one.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from accounts.services import OidcRefused, oidc_identity_sign_in

REFUSAL_SESSION_KEY = "oidc_refusal"
REQUIRED_SETTINGS = (
    "OIDC_RP_CLIENT_ID", "OIDC_OP_AUTHORIZATION_ENDPOINT", "OIDC_OP_TOKEN_ENDPOINT",
    "OIDC_OP_USER_ENDPOINT", "OIDC_OP_JWKS_ENDPOINT",
)


def oidc_enabled() -> bool:
    return all(getattr(settings, name, "") for name in REQUIRED_SETTINGS)


class SchoolOidcBackend(OIDCAuthenticationBackend):
    """Always listed in AUTHENTICATION_BACKENDS; does nothing while OIDC is off."""

    def __init__(self, *args, **kwargs):
        self.UserModel = get_user_model()
        if oidc_enabled():
            super().__init__(*args, **kwargs)

    def authenticate(self, request, **kwargs):
        if not oidc_enabled() or request is None:
            return None
        return super().authenticate(request, **kwargs)

    def get_or_create_user(self, access_token, id_token, payload):
        """The ID token is verified (signature, nonce); its `sub` must be the userinfo's too."""
        claims = self.get_userinfo(access_token, id_token, payload)
        if str(claims.get("sub", "")) != str(payload.get("sub", "")):
            self._refuse("mismatch")
        try:
            return oidc_identity_sign_in(issuer=str(payload.get("iss", "")), sub=str(payload["sub"]), claims=claims)
        except OidcRefused as refusal:
            self._refuse(refusal.reason)

    def _refuse(self, reason: str):
        # The callback view answers with the refusal page, which reads the reason from the session.
        self.request.session[REFUSAL_SESSION_KEY] = reason
        raise SuspiciousOperation(f"OIDC sign-in refused: {reason}")
