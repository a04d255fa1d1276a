from django.conf import settings


def school_sign_in(request) -> dict:
    """The name on the « Sign in with <school> » button, or nothing when OIDC is off (no query)."""
    from accounts.oidc import oidc_enabled

    if not oidc_enabled():
        return {}
    return {"school_sign_in_name": settings.OIDC_PROVIDER_NAME or settings.OIDC_RP_CLIENT_ID}
