"""Calls from our server to an LMS (AGS scores and line items, NRPS roster), through pylti1p3's clients.

pylti1p3 obtains the OAuth2 access token (a client-assertion JWT signed with
our key) and speaks the services; this module only picks the registration and
turns every failure into `PlatformError` for the outbox to retry.
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
from lti.tool import ToolConfiguration

TIMEOUT_SECONDS = 15


class PlatformError(Exception):
    pass


class _TimedSession(requests.Session):
    """A platform that hangs must not hold a worker: every call has a time-out."""

    def request(self, *args, **kwargs):
        kwargs.setdefault("timeout", TIMEOUT_SECONDS)
        return super().request(*args, **kwargs)


def _connector(context: LtiContext) -> ServiceConnector:
    platform = context.platform
    registration = ToolConfiguration().find_registration_by_params(platform.issuer, platform.client_id)
    if registration is None:
        raise PlatformError(f"platform {platform.pk} is not active")
    return ServiceConnector(registration, requests_session=_TimedSession())


def _ags(context: LtiContext) -> AssignmentsGradesService:
    scopes = context.ags_scopes or [C.SCOPE_LINEITEM, C.SCOPE_SCORE]
    return AssignmentsGradesService(_connector(context), {"scope": scopes, "lineitems": context.lineitems_url})


def quiz_tag(quiz) -> str:
    return f"quiz-{quiz.pk}"


def line_item_find_or_create(*, context: LtiContext, quiz) -> str:
    """The URL of the quiz's column in the LMS course, created (out of 100) when missing."""
    if not context.lineitems_url:
        raise PlatformError("this LMS course gave no line items URL (AGS not enabled)")
    line_item = (
        LineItem()
        .set_label(quiz.lesson.title[:255])
        .set_score_maximum(100)
        .set_tag(quiz_tag(quiz))
        .set_resource_id(quiz_tag(quiz))
    )
    try:
        found = _ags(context).find_or_create_lineitem(line_item, find_by="tag")
    except (LtiException, LtiServiceException, requests.RequestException) as exc:
        raise PlatformError(f"line item: {exc}") from exc
    if not found.get_id():
        raise PlatformError("the LMS returned a line item without an id")
    return found.get_id()


def score_post(*, context: LtiContext, line_item_url: str, sub: str, percent, timestamp) -> None:
    grade = Grade().set_user_id(sub).set_timestamp(timestamp.isoformat()).set_activity_progress("Completed")
    if percent is None:
        # Submitted but not graded yet (an essay to mark): the LMS shows it as pending.
        grade.set_grading_progress("PendingManual")
    else:
        grade.set_score_given(float(percent)).set_score_maximum(100).set_grading_progress("FullyGraded")
    try:
        _ags(context).put_grade(grade, LineItem().set_id(line_item_url))
    except (LtiException, LtiServiceException, requests.RequestException) as exc:
        raise PlatformError(f"score: {exc}") from exc


def roster_fetch(*, context: LtiContext) -> list[dict]:
    if not context.memberships_url:
        raise PlatformError("this LMS course gave no roster URL (NRPS not enabled)")
    service = NamesRolesProvisioningService(
        _connector(context), {"context_memberships_url": context.memberships_url}
    )
    try:
        return service.get_members()
    except (LtiException, LtiServiceException, requests.RequestException) as exc:
        raise PlatformError(f"roster: {exc}") from exc
