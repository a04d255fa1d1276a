"""Claim names of LTI 1.3 / LTI Advantage messages, as the specification spells them."""

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
MESSAGE_TYPE = LTI + "message_type"
VERSION = LTI + "version"
DEPLOYMENT_ID = LTI + "deployment_id"
TARGET_LINK_URI = LTI + "target_link_uri"
RESOURCE_LINK = LTI + "resource_link"
ROLES = LTI + "roles"
CONTEXT = LTI + "context"
CUSTOM = LTI + "custom"
LAUNCH_PRESENTATION = LTI + "launch_presentation"
AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
DEEP_LINKING_SETTINGS = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"

RESOURCE_LINK_REQUEST = "LtiResourceLinkRequest"
DEEP_LINKING_REQUEST = "LtiDeepLinkingRequest"

SCOPE_LINEITEM = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"
SCOPE_SCORE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
SCOPE_NRPS = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"


class ClaimError(ValueError):
    """A claim of a signed launch or roster entry whose JSON type is not what the specification says."""

    def __init__(self, claim: str):
        super().__init__(claim)
        self.claim = claim


URL_MAX_LENGTH = 500  # the URL columns of LtiContext and LtiLineItem


def _is_str(value, *, max_length: int = 255, url: bool = False) -> bool:
    if not isinstance(value, str) or len(value) > max_length:
        return False
    return not url or value.startswith(("https://", "http://"))


def _check_object(claims: dict, claim: str, fields: dict) -> None:
    """`claim`, when present, is an object whose listed fields, when present, pass their check."""
    if claim not in claims:
        return
    value = claims[claim]
    if not isinstance(value, dict):
        raise ClaimError(claim)
    for field, check in fields.items():
        if field in value and value[field] is not None and not check(value[field]):
            raise ClaimError(f"{claim} → {field}")


def _str_list(value) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def person_claims_check(claims: dict, *, sub_claim: str = "sub") -> None:
    """The person fields a launch (`sub`) or a roster entry (`user_id`) gives: strings, roles a list of strings."""
    if not _is_str(claims.get(sub_claim)) or not claims[sub_claim]:
        raise ClaimError(sub_claim)
    for claim in ("given_name", "family_name", "name", "email", "preferred_username"):
        if claims.get(claim) is not None and not _is_str(claims[claim], max_length=1000):
            raise ClaimError(claim)


def claims_check(claims: dict) -> None:
    """Each claim this tool reads has the JSON type LTI 1.3 gives it; raises ClaimError naming the first that does not.

    pylti1p3 checks the signature and the presence of the required claims, not
    their types: a string where an object belongs must be a refusal, not a 500.
    """
    person_claims_check(claims)
    if not _is_str(claims.get("nonce")):
        raise ClaimError("nonce")
    if not _is_str(claims.get(DEPLOYMENT_ID)):
        raise ClaimError(DEPLOYMENT_ID)
    if ROLES in claims and not _str_list(claims[ROLES]):
        raise ClaimError(ROLES)
    _check_object(claims, CONTEXT, {"id": _is_str, "title": lambda v: _is_str(v, max_length=10_000)})
    _check_object(claims, RESOURCE_LINK, {"id": _is_str, "title": lambda v: _is_str(v, max_length=10_000)})
    _check_object(claims, CUSTOM, {"lesson": _is_str, "target": _is_str})
    url = lambda v: _is_str(v, max_length=URL_MAX_LENGTH, url=True)  # noqa: E731
    _check_object(claims, AGS, {"lineitems": url, "lineitem": url, "scope": _str_list})
    _check_object(claims, NRPS, {"context_memberships_url": url})
    _check_object(claims, DEEP_LINKING_SETTINGS, {"deep_link_return_url": url})
    if claims.get(MESSAGE_TYPE) == DEEP_LINKING_REQUEST and not isinstance(claims.get(DEEP_LINKING_SETTINGS), dict):
        raise ClaimError(DEEP_LINKING_SETTINGS)
    if claims.get(MESSAGE_TYPE) == DEEP_LINKING_REQUEST and not url(claims[DEEP_LINKING_SETTINGS].get("deep_link_return_url")):
        raise ClaimError(f"{DEEP_LINKING_SETTINGS} → deep_link_return_url")
