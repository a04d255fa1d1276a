"""Two kinds of refusal, one vocabulary: every app's refusals are `ActionRefused` (a message for people) or
`BadPayload` (answered 400), and a `BadPayload` no view caught still gets a 400, not a 500."""

import pytest
from django.test import RequestFactory

from coursesite.errors import ActionRefused, BadPayload
from coursesite.security import BadPayloadMiddleware
from discussions.services import DiscussionError
from gradebook.services import GradebookError
from lessons.seed_documents import SeedFileError
from quizzes.grading import InvalidResponse
from quizzes.services import AttemptError, GiftImportError, InvalidSubmission
from review.services import InvalidReview, ReviewRefused
from studio.services import StudioError


@pytest.mark.parametrize("refusal", [DiscussionError, GradebookError, SeedFileError, AttemptError, GiftImportError, ReviewRefused, StudioError])
def test_refusals_for_people_share_one_base(refusal):
    assert issubclass(refusal, ActionRefused) and not issubclass(refusal, BadPayload)


@pytest.mark.parametrize("refusal", [InvalidResponse, InvalidSubmission, InvalidReview])
def test_bad_payloads_share_one_base(refusal):
    assert issubclass(refusal, BadPayload) and not issubclass(refusal, ActionRefused)


def test_a_bad_payload_no_view_caught_is_answered_400():
    def view(request):
        raise InvalidSubmission("unknown choice")

    middleware = BadPayloadMiddleware(view)
    request = RequestFactory().post("/x/")
    try:
        view(request)
    except BadPayload as exc:
        response = middleware.process_exception(request, exc)

    assert response.status_code == 400
    assert b"unknown choice" not in response.content
    assert middleware.process_exception(request, RuntimeError("boom")) is None
