"""The glue between pylti1p3 and our models: registrations, deployments, keys and login state.

pylti1p3 does every JWT and OIDC step (state, nonce, signature against the
platform's JWKS, audience, deployment, message claims); this module only tells
it what we registered and where to keep its short-lived data.
"""

import hashlib

from django.core import signing
from django.core.cache import cache
from django.utils.crypto import constant_time_compare
from pylti1p3.contrib.django import DjangoMessageLaunch, DjangoOIDCLogin
from pylti1p3.deployment import Deployment
from pylti1p3.exception import LtiException
from pylti1p3.launch_data_storage.base import LaunchDataStorage
from pylti1p3.registration import Registration
from pylti1p3.tool_config.abstract import ToolConfAbstract

from lti.claims import claims_check
from lti.models import LtiDeployment, LtiPlatform, LtiToolKey


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


NONCE_SALT = "lti.login.nonce"
# The LMS answers the login redirect within seconds; a launch later than this starts again from the LMS.
LOGIN_MAX_AGE_SECONDS = 10 * 60


class SignedLoginStorage(LaunchDataStorage):
    """pylti1p3's login state kept in signatures and cookies, so that login initiation writes nothing.

    The nonce sent to the LMS is our signature of the state (`OIDCLogin._generate_nonce`
    below); the state itself is in pylti1p3's short-lived `lti1p3-<state>` cookie.
    At the launch the nonce is accepted when it is a fresh signature of the
    state the browser posts: the id_token is bound to the browser that started
    the login, and no row exists for an anonymous GET. A nonce is spent once,
    in `LtiNonce`, when the launch is recorded. Nothing else is kept: the state
    check falls back to the cookie, and we never restore a launch from storage.
    """

    _session_cookie_name = None  # no pylti1p3 session-id cookie: nothing to key

    def can_set_keys_expiration(self) -> bool:
        return False

    def get_value(self, key):
        return None

    def set_value(self, key, value, exp=None):
        return None  # the nonce is a signature; launch data is not restored from storage

    def check_value(self, key) -> bool:
        prefix = "lti1p3-nonce-"
        if not key.startswith(prefix) or self._request is None:
            return False
        state = self._request.get_param("state") or ""
        try:
            signed_state = signing.TimestampSigner(salt=NONCE_SALT).unsign(
                key[len(prefix):], max_age=LOGIN_MAX_AGE_SECONDS
            )
        except signing.BadSignature:
            return False
        return bool(state) and constant_time_compare(signed_state, state)


class OIDCLogin(DjangoOIDCLogin):
    """pylti1p3's login initiation, with the nonce derived from the state (see SignedLoginStorage)."""

    def _get_uuid(self) -> str:
        value = super()._get_uuid()
        self._state = "state-" + value  # pylti1p3 builds the state as "state-" + this uuid, then asks for a nonce
        return value

    def _generate_nonce(self) -> str:
        return signing.TimestampSigner(salt=NONCE_SALT).sign(self._state)


JWKS_CACHE_SECONDS = 60 * 60


class MessageLaunch(DjangoMessageLaunch):
    """pylti1p3's launch, with the platform's JWKS cached per registration and fetched again on an unknown key id.

    A launch then costs no request to the LMS; a platform that rotates its key
    is followed at the first launch signed with the new one.
    """

    def _jwks_cache_key(self) -> str:
        url = self._registration.get_key_set_url() or ""
        return "lti:jwks:%s:%s" % (self._registration.get_client_id(), hashlib.sha256(
            f"{self._registration.get_issuer()} {url}".encode()).hexdigest())

    def validate_message(self):
        # The signature is checked by now: read the claims as data before pylti1p3's message validators
        # or our services touch them (a `resource_link` string must be a refusal naming it, not a 500).
        claims_check(self._get_jwt_body())
        return super().validate_message()

    def get_public_key(self):
        key = self._jwks_cache_key()
        cached = cache.get(key)
        if cached:
            self._registration.set_key_set(cached)
            try:
                return super().get_public_key()
            except LtiException as exc:
                if "unable to find public key" not in str(exc).lower():
                    raise
            self._registration.set_key_set(None)  # an unknown kid: the platform may have rotated; fetch again
        found = super().get_public_key()
        keys = self._registration.get_key_set()
        if isinstance(keys, dict) and isinstance(keys.get("keys"), list):
            cache.set(key, keys, JWKS_CACHE_SECONDS)
        return found
