"""Every URL of the site × every role, with the answer each must get.

The test walks the URL configuration: a new URL without a row here fails
`test_every_url_has_a_row`, so no page ships without its permissions decided.
"""

import datetime

import pytest
from django.test import Client
from django.utils import timezone
from django.urls import URLPattern, URLResolver, get_resolver

from courses.models import Enrollment
from discussions.models import Post, Thread
from lessons.models import DiscussionPrompt, Lesson
from discussions.services import post_create
from quizzes.models import Question, QuizOverride
from gradebook.models import ManualItem
from quizzes.services import attempt_start
from reminders.tokens import calendar_token, unsubscribe_token
from review.models import Card
from studio.models import EnrolmentImport
from tests.factories import EnrollmentFactory, LessonFactory, quiz_from_gift

ROLES = ("anonymous", "outsider", "student", "other_student", "assistant", "instructor")
# Namespaces whose permissions are Django's own (the admin checks is_staff and model permissions).
NOT_IN_MATRIX = {"admin"}


def walk(resolver, prefix=""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            namespace = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            if entry.namespace in NOT_IN_MATRIX:
                continue
            yield from walk(entry, namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            yield prefix + entry.name


def same(answer):
    return dict.fromkeys(ROLES, answer)


def members(answer, outsider=404, anonymous=302):
    return {"anonymous": anonymous, "outsider": outsider, **dict.fromkeys(ROLES[2:], answer)}


def staff_only(staff_answer, student=403):
    return {"anonymous": 302, "outsider": 404, "student": student, "other_student": student,
            "assistant": staff_answer, "instructor": staff_answer}


# name: (method, kwargs keys, expected answer per role)
MATRIX = {
    "home": ("get", [], same(302)),
    "login": ("get", [], same(200)),
    "logout": ("post", [], same(302)),
    "password_change": ("get", [], {**same(200), "anonymous": 302}),
    "password_change_done": ("get", [], {**same(200), "anonymous": 302}),
    "password_reset": ("get", [], same(200)),
    "password_reset_done": ("get", [], same(200)),
    "password_reset_confirm": ("get", ["uidb64", "token"], same(200)),
    "password_reset_complete": ("get", [], same(200)),
    "set_language": ("post", [], same(302)),
    # An invitation link answers everyone alike: the token is the proof (a damaged one: 400, nothing changed).
    "invitation_accept": ("get", ["invitation_token"], same(400)),
    "invitation_renew": ("post", ["invitation_token"], same(400)),
    # Sign-in with the school: off unless the OIDC_* settings are set (tests/accounts/test_school_sign_in.py turns it on).
    "oidc_authentication_init": ("get", [], same(404)),
    "oidc_authentication_callback": ("get", [], same(404)),
    "oidc_refused": ("get", [], same(404)),
    "healthz": ("get", [], same(200)),
    "livez": ("get", [], same(200)),
    "favicon": ("get", [], same(302)),
    "courses:my_courses": ("get", [], members(200, outsider=200)),
    "courses:detail": ("get", ["course"], members(200)),
    "courses:progress": ("get", ["course"], members(200)),
    "courses:lessons:detail": ("get", ["course", "lesson"], members(200)),
    "courses:lessons:read": ("post", ["course", "lesson"], members(302)),
    "courses:quizzes:start": ("get", ["course", "lesson"], members(200)),
    "courses:quizzes:regrade": ("post", ["course", "lesson"], staff_only(302)),
    "courses:quizzes:take": ("get", ["course", "attempt"], {**members(302), "student": 200, "other_student": 404}),
    "courses:quizzes:autosave": ("post", ["course", "attempt"], {**members(404), "student": 200}),
    "courses:quizzes:confirm": ("get", ["course", "attempt"], {**members(302), "student": 200, "other_student": 404}),
    "courses:quizzes:result": ("get", ["course", "attempt"], {**members(200), "student": 302, "other_student": 404}),
    "courses:quizzes:essays": ("get", ["course"], staff_only(200)),
    "courses:discussions:lesson": ("get", ["course", "lesson"], members(200)),
    "courses:discussions:thread": ("get", ["course", "thread"], members(200)),
    "courses:discussions:thread_moderate": ("post", ["course", "thread"], staff_only(302)),
    "courses:discussions:follow": ("post", ["course", "thread"], members(302)),
    "courses:discussions:post_edit": ("get", ["course", "post"], {**members(302), "student": 200}),
    "courses:discussions:post_delete": ("post", ["course", "post"], members(302)),
    "courses:discussions:post_moderate": ("post", ["course", "post"], staff_only(302)),
    "courses:discussions:post_history": ("get", ["course", "post"], staff_only(200)),
    "courses:gradebook:index": ("get", ["course"], staff_only(200)),
    "courses:gradebook:csv": ("get", ["course"], staff_only(200)),
    # The old « Mode de calcul » address: a redirect to the studio's one grading-settings page.
    "courses:gradebook:settings": ("get", ["course"], staff_only(302)),
    "courses:gradebook:student": ("get", ["course", "user_id"], staff_only(200)),
    "courses:gradebook:quiz": ("get", ["course", "lesson"], staff_only(200)),
    "courses:gradebook:csv_fr": ("get", ["course"], staff_only(200)),
    # Manual items and their grades: the instructor's (teaching assistants read the grid only).
    "courses:gradebook:items": ("get", ["course"], {**staff_only(200), "assistant": 403}),
    "courses:gradebook:item": ("get", ["course", "item_id"], {**staff_only(200), "assistant": 403}),
    "courses:gradebook:item_grade": ("post", ["course", "item_id"], {**staff_only(200), "assistant": 403}),
    "courses:studio:index": ("get", ["course"], staff_only(200)),
    "courses:studio:quiz": ("get", ["course", "lesson"], staff_only(200)),
    "courses:studio:quiz_export": ("get", ["course", "lesson"], staff_only(200)),
    "courses:studio:quiz_settings": ("get", ["course", "lesson"], staff_only(200)),
    "courses:studio:quiz_overrides": ("get", ["course", "lesson"], staff_only(200)),
    "courses:studio:quiz_override": ("get", ["course", "lesson", "override"], staff_only(200)),
    "courses:studio:quiz_override_delete": ("post", ["course", "lesson", "override"], {**staff_only(302), "assistant": 403}),
    "courses:studio:question": ("get", ["course", "lesson", "question"], staff_only(200)),
    "courses:studio:question_action": ("post", ["course", "lesson", "question"], {**staff_only(302), "assistant": 403}),
    "courses:studio:question_new": ("get", ["course", "lesson"], staff_only(200)),
    "courses:studio:question_delete": ("get", ["course", "lesson", "question"], staff_only(200)),
    "courses:studio:quiz_trash": ("get", ["course", "lesson"], staff_only(200)),
    "courses:studio:question_restore": ("post", ["course", "lesson", "trashed_question"], {**staff_only(302), "assistant": 403}),
    "courses:studio:lessons": ("get", ["course"], staff_only(200)),
    "courses:studio:lesson_new": ("get", ["course"], staff_only(200)),
    "courses:studio:lesson": ("get", ["course", "lesson"], staff_only(200)),
    # The world's lesson has an attempt and a post: a permitted delete is refused with a message (302).
    "courses:studio:lesson_delete": ("post", ["course", "lesson"], {**staff_only(302), "assistant": 403}),
    "courses:studio:reading_preview": ("post", ["course"], {**staff_only(200), "assistant": 403}),
    "courses:studio:lesson_action": ("post", ["course", "lesson"], {**staff_only(302), "assistant": 403}),
    "courses:studio:prompt_add": ("post", ["course", "lesson"], {**staff_only(302), "assistant": 403}),
    "courses:studio:prompt": ("post", ["course", "lesson", "prompt"], {**staff_only(302), "assistant": 403}),
    "courses:studio:people": ("get", ["course"], staff_only(200)),
    "courses:studio:enrollment": ("post", ["course", "user_id"], {**staff_only(302), "assistant": 403}),
    "courses:studio:invitations_resend": ("post", ["course"], {**staff_only(302), "assistant": 403}),
    "courses:studio:enrolment_import": ("get", ["course", "import_id"], staff_only(200)),
    "courses:studio:scheme": ("get", ["course"], staff_only(200)),
    "courses:studio:copy": ("get", ["course"], staff_only(200)),
    "courses:studio:upcoming": ("get", ["course"], staff_only(200)),
    "notifications:list": ("get", [], members(200, outsider=200)),
    "notifications:read": ("post", [], members(302, outsider=302)),
    "reminders:preferences": ("get", [], members(200, outsider=200)),
    "reminders:unsubscribe": ("get", ["token"], same(200)),
    "reminders:calendar": ("get", ["calendar_token"], same(200)),
    # LTI: the JWKS is public; login and launch come from the LMS (CSRF-exempt, see below) and refuse
    # anything not signed by a registered platform; the picker needs a deep-linking launch in the session.
    "lti:jwks": ("get", [], same(200)),
    "lti:login": ("get", [], same(400)),
    "lti:launch": ("post", [], same(403)),
    "lti:deep_link": ("get", [], same(403)),
    "lti:registration": ("get", ["course"], {**staff_only(200), "assistant": 403}),
    "lti:roster_sync": ("post", ["course", "lti_context"], {**staff_only(302), "assistant": 403}),
    "lti:register": ("get", [], same(400)),  # without the LMS's parameters and a one-time token: nothing to do
    "lti:registration_url": ("post", ["course"], {**staff_only(302), "assistant": 403}),
    "lti:score_resend": ("post", ["course", "lti_score"], {**staff_only(302), "assistant": 403}),
    "courses:review:index": ("get", ["course"], members(200)),
    "courses:review:answer": ("post", ["course", "card"], {**members(404), "student": 302}),
    "courses:review:settings": ("get", ["course"], {**staff_only(200), "assistant": 403}),
}
POST_DATA = {
    "courses:discussions:thread_moderate": {"action": "pin"},
    "courses:discussions:post_moderate": {"action": "endorse"},
    "set_language": {"language": "en", "next": "/"},
    "courses:studio:question_action": {"action": "hide"},
    "courses:studio:enrollment": {"action": "save", "role": "student"},
    "courses:studio:lesson_delete": {"confirm": "1"},
    "courses:studio:reading_preview": {"reading_markdown": "## Titre"},
    "courses:gradebook:item_grade": lambda values: {"student": values["user_id"], "points": "5"},
}


def post_data(name, values) -> dict:
    data = POST_DATA.get(name, {})
    return data(values) if callable(data) else data


# The unpublished-lesson dimension: with the world's lesson unpublished, every URL that reaches the lesson or
# something of it (its quiz, an attempt, a thread, a post, a review card) answers 404 to students, as if it did
# not exist; staff answer as before. Each URL is classified here, so a new URL must say which it is.
REACHES_THE_LESSON = {
    "courses:lessons:detail", "courses:lessons:read", "courses:quizzes:start", "courses:quizzes:take",
    "courses:quizzes:autosave", "courses:quizzes:confirm", "courses:quizzes:result", "courses:quizzes:regrade",
    "courses:discussions:lesson", "courses:discussions:thread", "courses:discussions:thread_moderate",
    "courses:discussions:follow", "courses:discussions:post_edit", "courses:discussions:post_delete",
    "courses:discussions:post_moderate", "courses:discussions:post_history", "courses:gradebook:quiz",
    "courses:studio:quiz", "courses:studio:quiz_export", "courses:studio:quiz_settings", "courses:studio:question",
    "courses:studio:quiz_overrides", "courses:studio:quiz_override", "courses:studio:quiz_override_delete",
    "courses:studio:question_action", "courses:studio:lesson", "courses:studio:lesson_action",
    "courses:studio:question_new", "courses:studio:question_delete", "courses:studio:quiz_trash",
    "courses:studio:question_restore",
    "courses:studio:prompt_add", "courses:studio:prompt", "courses:review:answer", "courses:studio:lesson_delete",
}
# URLs that do not open one lesson: they answer the same whether it is published or not (their contents
# leaving the hidden lesson out is tested by the pages' own tests).
NOT_ABOUT_ONE_LESSON = {
    "home", "login", "logout", "password_change", "password_change_done", "password_reset", "password_reset_done",
    "password_reset_confirm", "password_reset_complete", "set_language", "healthz", "livez", "courses:my_courses",
    "courses:detail", "courses:progress", "courses:quizzes:essays", "courses:gradebook:index", "courses:gradebook:csv",
    "courses:gradebook:settings", "courses:gradebook:student", "courses:studio:index", "courses:studio:lessons",
    "courses:studio:people", "courses:studio:enrollment", "courses:studio:scheme", "courses:studio:copy", "courses:studio:upcoming",
    "notifications:list", "notifications:read", "reminders:preferences", "reminders:unsubscribe", "reminders:calendar",
    "lti:jwks", "lti:login", "lti:launch", "lti:deep_link", "lti:registration", "lti:roster_sync",
    "courses:review:index", "courses:review:settings", "courses:studio:invitations_resend", "invitation_accept",
    "invitation_renew", "lti:register", "lti:registration_url", "lti:score_resend", "oidc_authentication_callback",
    "oidc_authentication_init", "oidc_refused", "favicon", "courses:studio:enrolment_import",
    "courses:studio:lesson_new", "courses:studio:reading_preview",
    "courses:gradebook:csv_fr", "courses:gradebook:items", "courses:gradebook:item", "courses:gradebook:item_grade",
}


def expected_when_unpublished(name: str, role: str) -> int:
    answer = MATRIX[name][2][role]
    hidden = name in REACHES_THE_LESSON and role in ("student", "other_student") and answer != 403
    return 404 if hidden else answer


def test_every_url_has_a_row():
    names = set(walk(get_resolver()))
    assert names - (REACHES_THE_LESSON | NOT_ABOUT_ONE_LESSON) == set(), "classify each new URL for unpublished lessons"
    assert REACHES_THE_LESSON & NOT_ABOUT_ONE_LESSON == set()

    names = set(walk(get_resolver()))
    assert names - set(MATRIX) == set(), "add a row to MATRIX for each new URL"
    assert set(MATRIX) - names == set(), "remove the rows of URLs that no longer exist"


@pytest.fixture
def world(db):
    lesson = LessonFactory()
    course = lesson.course
    quiz = quiz_from_gift(lesson)
    people = {
        "student": EnrollmentFactory(course=course).user,
        "other_student": EnrollmentFactory(course=course).user,
        "assistant": EnrollmentFactory(course=course, role=Enrollment.Role.TEACHING_ASSISTANT).user,
        "instructor": EnrollmentFactory(course=course, role=Enrollment.Role.INSTRUCTOR).user,
        "outsider": EnrollmentFactory().user,
    }
    thread = Thread.objects.create(lesson=lesson, author=people["instructor"], title="Fil", last_post_at=course.created_at)
    Post.objects.create(thread=thread, author=people["instructor"], is_opening=True, body="Question", body_html="<p>Question</p>")
    post = post_create(thread=thread, author=people["student"], body="Ma réponse")
    attempt = attempt_start(quiz=quiz, user=people["student"])
    student = people["student"]
    values = {
        "course": course.slug, "lesson": lesson.slug, "attempt": attempt.pk, "thread": thread.pk, "post": post.pk,
        "token": unsubscribe_token(user_id=student.pk, kind="due_soon"),
        "calendar_token": calendar_token(user_id=student.pk),
        "invitation_token": "not-a-signed-invitation",
        "uidb64": "MQ", "token_reset": "set-password", "user_id": student.pk,
        "lti_context": _lti_context(course).pk,
        "lti_score": _lti_score(course, quiz, people["student"]).pk,
        "card": Card.objects.create(user=student, course=course, quiz=quiz, question_key="Capitale", due=course.created_at).pk,
    }
    values["question"] = quiz.questions.first().pk
    # A question in the « Corbeille » (deleted a moment ago), for the restore URL.
    values["trashed_question"] = Question.objects.create(
        quiz=quiz, key="corbeille", title="Corbeille", position=99, type="essay", text="?", is_active=False,
        retired_at=timezone.now()).pk
    values["override"] = QuizOverride.objects.create(quiz=quiz, user=people["other_student"], max_attempts=3).pk
    values["prompt"] = DiscussionPrompt.objects.create(lesson=lesson, position=1, title="Q", body="?").pk
    values["item_id"] = ManualItem.objects.create(course=course, title="Projet", builtin_category="quiz", max_points=20).pk
    values["import_id"] = EnrolmentImport.objects.create(course=course, role="student", csv_text="", line_count=1, status="done").pk
    return people, values


def _lti_context(course):
    from lti.models import LtiContext, LtiDeployment, LtiPlatform

    platform = LtiPlatform.objects.create(
        name="LMS", issuer="https://lms.example.org", client_id="c", auth_login_url="https://lms.example.org/auth",
        auth_token_url="https://lms.example.org/token", key_set_url="https://lms.example.org/jwks", course=course,
    )
    deployment = LtiDeployment.objects.create(platform=platform, deployment_id="d")
    # No roster URL: a permitted sync answers with a message and a redirect, without calling any LMS.
    return LtiContext.objects.create(platform=platform, deployment=deployment, context_id="ctx", course=course)


def _lti_score(course, quiz, student):
    from lti.models import LtiContext, LtiScore, LtiUserLink

    context = LtiContext.objects.get(course=course)
    link = LtiUserLink.objects.create(platform=context.platform, issuer=context.platform.issuer, sub="s", user=student)
    # Refused for good: a permitted "send again" puts it back to pending without calling any LMS here.
    return LtiScore.objects.create(context=context, quiz=quiz, user_link=link, status=LtiScore.Status.FAILED)


def url_for(name, keys, values):
    from django.urls import reverse

    kwargs = {}
    for key in keys:
        if key == "calendar_token":
            kwargs["token"] = values["calendar_token"]
        elif key == "invitation_token":
            kwargs["token"] = values["invitation_token"]
        elif key == "lti_context":
            kwargs["context"] = values["lti_context"]
        elif key == "lti_score":
            kwargs["score"] = values["lti_score"]
        elif key == "trashed_question":
            kwargs["question"] = values["trashed_question"]
        elif key == "token" and name == "password_reset_confirm":
            kwargs["token"] = "set-password"
        else:
            kwargs[key] = values[key]
    return reverse(name, kwargs=kwargs)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_each_role_gets_the_expected_answer(world, name, role):
    people, values = world
    method, keys, expected = MATRIX[name]
    client = Client()
    if role != "anonymous":
        client.force_login(people[role])

    response = getattr(client, method)(url_for(name, keys, values), post_data(name, values))

    assert response.status_code == expected[role], f"{method.upper()} {name} as {role}"


# The URLs that do not reach a lesson answer the same by construction (their classification is checked
# above); the dimension runs for the ones that do, as each role that is let into the course.
# A lesson published with a release date still to come (« Visible à partir du… ») is hidden the same way:
# the one rule (`visible_to_students`) decides both.
HIDINGS = {
    "unpublished": {"is_published": False},
    "released tomorrow": {"release_at": timezone.now() + datetime.timedelta(days=1)},
}


@pytest.mark.parametrize("hiding", sorted(HIDINGS))
@pytest.mark.parametrize("role", ["student", "other_student", "assistant", "instructor"])
@pytest.mark.parametrize("name", sorted(REACHES_THE_LESSON))
def test_an_unpublished_lesson_is_not_found_by_students_and_unchanged_for_staff(world, name, role, hiding):
    people, values = world
    method, keys, _expected = MATRIX[name]
    Lesson.objects.filter(slug=values["lesson"]).update(**HIDINGS[hiding])
    client = Client()
    if role != "anonymous":
        client.force_login(people[role])

    response = getattr(client, method)(url_for(name, keys, values), post_data(name, values))

    assert response.status_code == expected_when_unpublished(name, role), f"{method.upper()} {name} as {role}, lesson {hiding}"


# The documented exceptions: the LMS posts the OIDC login and the launch from its own origin (LTI 1.3);
# the state cookie, the single-use nonce and the platform's signature protect them instead of a CSRF token.
CSRF_EXEMPT = {"lti:launch", "lti:login"}


@pytest.mark.parametrize("name", sorted(n for n, (method, _k, _e) in MATRIX.items() if method == "post" and n not in CSRF_EXEMPT))
def test_every_post_needs_a_csrf_token(world, name):
    people, values = world
    method, keys, _expected = MATRIX[name]
    client = Client(enforce_csrf_checks=True)
    staff_post = "moderate" in name or "regrade" in name or name.startswith(("courses:studio:", "lti:"))
    client.force_login(people["instructor"] if staff_post else people["student"])

    response = client.post(url_for(name, keys, values), post_data(name, values))

    assert response.status_code == 403


def test_one_click_unsubscribe_is_the_only_post_without_csrf(world):
    """Mail clients post there without a session (RFC 8058); the signed token is the proof."""
    people, values = world
    client = Client(enforce_csrf_checks=True)
    response = client.post(url_for("reminders:unsubscribe", ["token"], values))
    assert response.status_code == 200
    assert people["student"].email_opt_outs.filter(kind="due_soon").exists()


# Ids a tamperer types into a URL, a query string or a form: never a 500, wherever they go.
# Every URL parameter but these is an object id (a new one added to MATRIX is covered without a change here).
NOT_ID_KEYS = {"course", "lesson", "token", "calendar_token", "invitation_token", "uidb64"}
OVERLONG_ID = "99999999999999999999999"
JUNK_IDS = ("abc", OVERLONG_ID, "-1", "0", "1.5", "1e3", " 7", "\u0661\u0662", "9" * 400, "")
# name: (method, {parameter: where it goes}) for every id the site reads from a query string or a form.
ID_PARAMETERS = {
    "courses:discussions:thread": [("get", "reply_to"), ("post", "reply_to"), ("get", "page")],
    "courses:discussions:lesson": [("get", "page")],
    "courses:quizzes:essays": [("post", "response")],
    "courses:gradebook:index": [("get", "page"), ("get", "group")],
    "courses:gradebook:student": [("get", "item"), ("post", "item")],
    "courses:gradebook:item_grade": [("post", "student")],
}


def url_with_id(name, keys, values, key, junk):
    """The URL of `name` with `junk` in place of its `key` id (reverse() refuses non-digits, so substitute)."""
    marker = 987654321987
    url = url_for(name, keys, {**values, key: marker})
    return url.replace(str(marker), junk)


@pytest.mark.parametrize("junk", ["abc", OVERLONG_ID, "9" * 25, "1" * 40])
@pytest.mark.parametrize("role", ["student", "instructor"])
@pytest.mark.parametrize("name", sorted(n for n, (_m, keys, _e) in MATRIX.items() if set(keys) - NOT_ID_KEYS))
def test_junk_ids_in_urls_are_not_found(world, name, role, junk):
    people, values = world
    method, keys, _expected = MATRIX[name]
    client = Client(raise_request_exception=False)
    client.force_login(people[role])

    for key in set(keys) - NOT_ID_KEYS:
        response = getattr(client, method)(url_with_id(name, keys, values, key, junk), post_data(name, values))
        assert response.status_code in (403, 404), f"{method.upper()} {name} with {key}={junk!r} as {role}"


@pytest.mark.parametrize("junk", JUNK_IDS)
@pytest.mark.parametrize("name", sorted(ID_PARAMETERS))
def test_junk_ids_in_queries_and_forms_never_cause_a_server_error(world, name, junk):
    people, values = world
    _method, keys, _expected = MATRIX[name]
    url = url_for(name, keys, values)
    client = Client(raise_request_exception=False)
    client.force_login(people["instructor"])

    for method, parameter in ID_PARAMETERS[name]:
        if method == "get":
            response = client.get(url, {parameter: junk})
        else:
            response = client.post(url, {**post_data(name, values), parameter: junk, "body": "Texte", "score": "1"})
        assert response.status_code < 500, f"{method.upper()} {name} with {parameter}={junk!r}"
        assert response.status_code in (200, 302, 400, 404), f"{method.upper()} {name} with {parameter}={junk!r}"


def test_lti_launch_and_login_are_the_documented_csrf_exempt_posts(world):
    """Refused for want of a signed id_token, never for want of a CSRF token."""
    client = Client(enforce_csrf_checks=True)
    assert client.post("/lti/launch/", {}).status_code == 403
    assert b"CSRF" not in client.post("/lti/launch/", {}).content
    assert client.post("/lti/login/", {}).status_code == 400
