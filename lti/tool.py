"""The glue between pylti1p3 and our models: registrations, deployments, keys and login state.

pylti1p3 does every JWT and OIDC step (state, nonce, signature against the
platform's JWKS, audience, deployment, message claims); this module only tells
it what we registered and where to keep its short-lived data.
"""

from datetime import timedelta

from django.utils import timezone
from pylti1p3.deployment import Deployment
from pylti1p3.launch_data_storage.cache import CacheDataStorage
from pylti1p3.registration import Registration
from pylti1p3.tool_config.abstract import ToolConfAbstract

from lti.models import LtiDeployment, LtiLaunchData, LtiPlatform, LtiToolKey


class ToolConfiguration(ToolConfAbstract):
    """Registrations looked up by (issuer, client id) in `LtiPlatform`; several clients per issuer allowed."""

    def __init__(self):
        super().__init__()
        self._platforms: dict[tuple[str, str], LtiPlatform | None] = {}

    def check_iss_has_one_client(self, iss):
        return False

    def check_iss_has_many_clients(self, iss):
        return True

    def platform(self, iss: str, client_id: str | None) -> LtiPlatform | None:
        key = (iss, client_id or "")
        if key not in self._platforms:
            platforms = LtiPlatform.objects.filter(issuer=iss, is_active=True)
            if client_id:
                platforms = platforms.filter(client_id=client_id)
            # Without a client id (a login initiation may omit it), only an unambiguous issuer is accepted.
            found = list(platforms.select_related("course")[:2])
            self._platforms[key] = found[0] if len(found) == 1 else None
        return self._platforms[key]

    def find_registration_by_issuer(self, iss, *args, **kwargs):
        return self.find_registration_by_params(iss, None)

    def find_registration_by_params(self, iss, client_id, *args, **kwargs):
        platform = self.platform(iss, client_id)
        if platform is None:
            return None
        key = LtiToolKey.objects.filter(is_active=True).first()
        registration = (
            Registration()
            .set_issuer(platform.issuer)
            .set_client_id(platform.client_id)
            .set_auth_login_url(platform.auth_login_url)
            .set_auth_token_url(platform.auth_token_url)
            .set_auth_audience(platform.auth_audience or None)
            .set_key_set_url(platform.key_set_url)
        )
        if key is not None:
            registration.set_tool_private_key(key.private_key).set_tool_public_key(public_pem(key))
        return registration

    def find_deployment(self, iss, deployment_id):
        return self.find_deployment_by_params(iss, deployment_id, None)

    def find_deployment_by_params(self, iss, deployment_id, client_id, *args, **kwargs):
        platform = self.platform(iss, client_id)
        if platform is None or not LtiDeployment.objects.filter(platform=platform, deployment_id=deployment_id).exists():
            return None
        return Deployment().set_deployment_id(deployment_id)


def public_pem(key: LtiToolKey) -> str:
    from jwcrypto.jwk import JWK

    return JWK(**key.public_jwk).export_to_pem().decode()


class _DatabaseCache:
    """The two calls of Django's cache API that pylti1p3 uses, on a table every web process shares."""

    def get(self, key):
        row = LtiLaunchData.objects.filter(key=key, expires_at__gt=timezone.now()).first()
        return row.value if row else None

    def set(self, key, value, exp=None):
        expires_at = timezone.now() + timedelta(seconds=exp or 3600)
        LtiLaunchData.objects.update_or_create(key=key, defaults={"value": value, "expires_at": expires_at})


class DatabaseLaunchDataStorage(CacheDataStorage):
    """Login state in the database rather than the Django session.

    The launch is a cross-site POST from the LMS: the site's session cookie
    (SameSite=Lax) is not sent with it. pylti1p3 then keys its data by its own
    `lti1p3-session-id` cookie, set SameSite=None; Secure on HTTPS for these
    routes only.
    """

    _cache = _DatabaseCache()
