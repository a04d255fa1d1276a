"""Calls from our server to an LMS (AGS scores and line items, NRPS roster), through pylti1p3's clients.

pylti1p3 obtains the OAuth2 access token (a client-assertion JWT signed with
our key) and speaks the services; this module picks the registration, sends
every request through `outbound.GuardedSession` (the registration's origins
only, time-outs, no redirects) and turns every failure into `PlatformError`:
permanent (the LMS refused for good) or not (retry later). Its message names
what failed and the HTTP status, never the remote body, which is the LMS's
text and may be anything.
"""

import requests
from pylti1p3.assignments_grades import AssignmentsGradesService
from pylti1p3.exception import LtiException, LtiServiceException
from pylti1p3.grade import Grade
from pylti1p3.lineitem import LineItem
from pylti1p3.names_roles import NamesRolesProvisioningService
from pylti1p3.service_connector import ServiceConnector

from lti import claims as C
from lti.models import LtiContext
from lti.outbound import GuardedSession, UrlRefused, registration_origins, url_check
from lti.tool import ToolConfiguration

# 401 (token expired, refetched next time) and 429 (slow down) pass; every other 4xx is the LMS saying no.
TRANSIENT_CLIENT_ERRORS = {401, 408, 429}


class PlatformError(Exception):
    def __init__(self, message: str, *, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent


def _error(what: str, exc: Exception) -> PlatformError:
    """`what` failed: the status (or the kind of network failure), never the body the LMS sent."""
    if isinstance(exc, LtiServiceException):
        status = exc.response.status_code
        permanent = 400 <= status < 500 and status not in TRANSIENT_CLIENT_ERRORS
        return PlatformError(f"{what}: HTTP {status}", permanent=permanent)
    if isinstance(exc, requests.exceptions.InvalidURL) and isinstance(exc.__cause__, UrlRefused):
        return PlatformError(f"{what}: refused before sending ({exc.__cause__})", permanent=True)
    if isinstance(exc, requests.Timeout):
        return PlatformError(f"{what}: no answer in time")
    if isinstance(exc, requests.RequestException):
        return PlatformError(f"{what}: connection failed ({type(exc).__name__})")
    return PlatformError(f"{what}: unexpected answer")  # pylti1p3's own checks (e.g. a reply that is not JSON)


def _connector(context: LtiContext) -> ServiceConnector:
    platform = context.platform
    registration = ToolConfiguration().find_registration_by_params(platform.issuer, platform.client_id)
    if registration is None:
        raise PlatformError(f"platform {platform.pk} is not active", permanent=True)
    return ServiceConnector(registration, requests_session=GuardedSession(registration_origins(platform)))


def _checked(what: str, context: LtiContext, url: str) -> str:
    """Refuse a service URL off the registration's origins before even asking for a token."""
    try:
        url_check(url, origins=registration_origins(context.platform))
    except UrlRefused as exc:
        raise PlatformError(f"{what}: refused before sending ({exc})", permanent=True) from exc
    return url


def _ags(context: LtiContext) -> AssignmentsGradesService:
    scopes = context.ags_scopes or [C.SCOPE_LINEITEM, C.SCOPE_SCORE]
    return AssignmentsGradesService(_connector(context), {"scope": scopes, "lineitems": context.lineitems_url})


def quiz_tag(quiz) -> str:
    return f"quiz-{quiz.pk}"


def manual_item_tag(item) -> str:
    return f"manual-{item.pk}"


def line_item_find_or_create(*, context: LtiContext, quiz=None, manual_item=None) -> str:
    """The URL of the quiz's (or the manual grade item's) column in the LMS course, created (out of 100) when missing."""
    if not context.lineitems_url:
        raise PlatformError("this LMS course gave no line items URL (AGS not enabled)", permanent=True)
    _checked("line item", context, context.lineitems_url)
    label, tag = (manual_item.title, manual_item_tag(manual_item)) if manual_item is not None else (quiz.lesson.title, quiz_tag(quiz))
    line_item = (
        LineItem()
        .set_label(label[:255])
        .set_score_maximum(100)
        .set_tag(tag)
        .set_resource_id(tag)
    )
    try:
        found = _ags(context).find_or_create_lineitem(line_item, find_by="tag")
    except (LtiException, requests.RequestException, ValueError) as exc:
        raise _error("line item", exc) from exc
    if not found.get_id() or not isinstance(found.get_id(), str):
        raise PlatformError("line item: the LMS returned a line item without an id")
    return _checked("line item", context, found.get_id())


def score_post(*, context: LtiContext, line_item_url: str, sub: str, percent, timestamp) -> None:
    _checked("score", context, line_item_url)
    grade = Grade().set_user_id(sub).set_timestamp(timestamp.isoformat()).set_activity_progress("Completed")
    if percent is None:
        # Submitted but not graded yet (an essay to mark): the LMS shows it as pending.
        grade.set_grading_progress("PendingManual")
    else:
        grade.set_score_given(float(percent)).set_score_maximum(100).set_grading_progress("FullyGraded")
    try:
        _ags(context).put_grade(grade, LineItem().set_id(line_item_url))
    except (LtiException, requests.RequestException, ValueError) as exc:
        raise _error("score", exc) from exc


def roster_fetch(*, context: LtiContext) -> list[dict]:
    if not context.memberships_url:
        raise PlatformError("this LMS course gave no roster URL (NRPS not enabled)", permanent=True)
    _checked("roster", context, context.memberships_url)
    service = NamesRolesProvisioningService(
        _connector(context), {"context_memberships_url": context.memberships_url}
    )
    try:
        members = service.get_members()
    except (LtiException, requests.RequestException, ValueError) as exc:
        raise _error("roster", exc) from exc
    if not isinstance(members, list):
        raise PlatformError("roster: the LMS's answer is not a member list")
    return members


# --------------------------------------------------------------------------- dynamic registration


def _json_call(what: str, method: str, url: str, **kwargs) -> dict:
    """One call of the dynamic registration (the registration's origins are not known yet: addresses checked only)."""
    try:
        response = GuardedSession().request(method, url, **kwargs)
    except requests.exceptions.InvalidURL as exc:
        raise _error(what, exc) from exc
    except requests.RequestException as exc:
        raise _error(what, exc) from exc
    if not 200 <= response.status_code < 300:
        raise PlatformError(f"{what}: HTTP {response.status_code}", permanent=True)
    try:
        body = response.json()
    except ValueError as exc:
        raise PlatformError(f"{what}: the answer is not JSON", permanent=True) from exc
    if not isinstance(body, dict):
        raise PlatformError(f"{what}: the answer is not a JSON object", permanent=True)
    return body


def _url_field(what: str, body: dict, field: str) -> str:
    value = body.get(field)
    if not isinstance(value, str) or not value.startswith(("https://", "http://")) or len(value) > C.URL_MAX_LENGTH:
        raise PlatformError(f"{what}: “{field}” is missing or not a URL", permanent=True)
    return value


def openid_configuration_fetch(*, url: str) -> dict:
    """The LMS's OpenID configuration, its fields checked; its issuer must be on the configuration URL's origin."""
    from lti.outbound import origin

    what = "openid configuration"
    body = _json_call(what, "GET", url, headers={"Accept": "application/json"})
    config = {field: _url_field(what, body, field) for field in (
        "issuer", "authorization_endpoint", "token_endpoint", "jwks_uri", "registration_endpoint")}
    if origin(config["issuer"]) != origin(url):
        # LTI Dynamic Registration: the configuration is published by the issuer itself.
        raise PlatformError(f"{what}: the issuer is not on the configuration's origin", permanent=True)
    server = body.get("authorization_server")
    config["authorization_server"] = server if isinstance(server, str) and len(server) <= 500 else ""
    product = (body.get("https://purl.imsglobal.org/spec/lti-platform-configuration") or {})
    config["product"] = product.get("product_family_code", "") if isinstance(product, dict) else ""
    if not isinstance(config["product"], str):
        config["product"] = ""
    return config


def client_register(*, config: dict, registration_token: str, payload: dict) -> dict:
    """POST our client registration to the LMS; returns its client id and deployment id (when it gives one)."""
    what = "client registration"
    headers = {"Accept": "application/json"}
    if registration_token:
        headers["Authorization"] = f"Bearer {registration_token}"
    body = _json_call(what, "POST", config["registration_endpoint"], json=payload, headers=headers)
    client_id = body.get("client_id")
    if not isinstance(client_id, str) or not client_id or len(client_id) > 255:
        raise PlatformError(f"{what}: no client id in the answer", permanent=True)
    tool_config = body.get("https://purl.imsglobal.org/spec/lti-tool-configuration") or {}
    deployment_id = tool_config.get("deployment_id", "") if isinstance(tool_config, dict) else ""
    if not isinstance(deployment_id, (str, int)) or len(str(deployment_id)) > 255:
        raise PlatformError(f"{what}: the deployment id is not a string", permanent=True)
    return {"client_id": client_id, "deployment_id": str(deployment_id)}
