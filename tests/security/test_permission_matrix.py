"""Every URL of the site × every role, with the answer each must get.

The test walks the URL configuration: a new URL without a row here fails
`test_every_url_has_a_row`, so no page ships without its permissions decided.
"""

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from courses.models import Enrollment
from discussions.models import Post, Thread
from discussions.services import post_create
from quizzes.services import attempt_start
from reminders.tokens import calendar_token, unsubscribe_token
from review.models import Card
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
    "healthz": ("get", [], same(200)),
    "livez": ("get", [], same(200)),
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
    "courses:gradebook:settings": ("get", ["course"], {**staff_only(200), "assistant": 403}),
    "courses:gradebook:student": ("get", ["course", "user_id"], staff_only(200)),
    "courses:gradebook:quiz": ("get", ["course", "lesson"], staff_only(200)),
    "notifications:list": ("get", [], members(200, outsider=200)),
    "notifications:read": ("post", [], members(302, outsider=302)),
    "reminders:preferences": ("get", [], members(200, outsider=200)),
    "reminders:unsubscribe": ("get", ["token"], same(200)),
    "reminders:calendar": ("get", ["calendar_token"], same(200)),
    "courses:review:index": ("get", ["course"], members(200)),
    "courses:review:answer": ("post", ["course", "card"], {**members(404), "student": 302}),
    "courses:review:settings": ("get", ["course"], {**staff_only(200), "assistant": 403}),
}
POST_DATA = {
    "courses:discussions:thread_moderate": {"action": "pin"},
    "courses:discussions:post_moderate": {"action": "endorse"},
    "set_language": {"language": "en", "next": "/"},
}


def test_every_url_has_a_row():
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
        "uidb64": "MQ", "token_reset": "set-password", "user_id": student.pk,
        "card": Card.objects.create(user=student, course=course, quiz=quiz, question_key="Capitale", due=course.created_at).pk,
    }
    return people, values


def url_for(name, keys, values):
    from django.urls import reverse

    kwargs = {}
    for key in keys:
        if key == "calendar_token":
            kwargs["token"] = values["calendar_token"]
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

    response = getattr(client, method)(url_for(name, keys, values), POST_DATA.get(name, {}))

    assert response.status_code == expected[role], f"{method.upper()} {name} as {role}"


@pytest.mark.parametrize("name", sorted(n for n, (method, _k, _e) in MATRIX.items() if method == "post"))
def test_every_post_needs_a_csrf_token(world, name):
    people, values = world
    method, keys, _expected = MATRIX[name]
    client = Client(enforce_csrf_checks=True)
    client.force_login(people["instructor"] if "moderate" in name or "regrade" in name else people["student"])

    response = client.post(url_for(name, keys, values), POST_DATA.get(name, {}))

    assert response.status_code == 403


def test_one_click_unsubscribe_is_the_only_post_without_csrf(world):
    """Mail clients post there without a session (RFC 8058); the signed token is the proof."""
    people, values = world
    client = Client(enforce_csrf_checks=True)
    response = client.post(url_for("reminders:unsubscribe", ["token"], values))
    assert response.status_code == 200
    assert people["student"].email_opt_outs.filter(kind="due_soon").exists()
