"""The one grading-settings page (the studio's): its preview is what the gradebook computes once saved,
late penalty and review credit included; every change to the scheme and to the review settings is in
« Modifications récentes », in French words."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from courses.models import AuditEntry, Enrollment
from gradebook.computation import REVIEW_KEY
from gradebook.selectors import gradebook_rows, gradebook_stream
from gradebook.standings import standings_fresh_frame
from quizzes.models import Attempt
from review.services import review_settings_set
from tests.factories import EnrollmentFactory, LessonFactory, quiz_from_gift
from tests.gradebook.builders import attempt, bulk_class, course_with_lessons, kept_up, student
from tests.gradebook.test_review_credit import review_first_due_card
from tests.review.builders import graded_student

pytestmark = pytest.mark.django_db

SCHEME = {
    "quiz_weight": 60, "participation_weight": 30, "reading_weight": 10, "full_participation_percent": 90,
    "replies_only_percent": 40, "late_penalty_percent": "25", "letter_scale": "A 80\nB 60\nC 0",
}


def scheme_url(course):
    return reverse("courses:studio:scheme", kwargs={"course": course.slug})


@pytest.fixture
def world(django_capture_on_commit_callbacks):
    """Two students with review cards (one reviewed one card, one handed the quiz in late); the credit on."""
    lesson = LessonFactory()
    quiz_from_gift(lesson)
    ann, _quiz, late_attempt = graded_student(django_capture_on_commit_callbacks, lesson=lesson)
    bob, _quiz, _attempt = graded_student(django_capture_on_commit_callbacks, lesson=lesson)
    course = lesson.course
    # The sample quiz's essay is graded (so the quiz counts), and Ann's attempt came in late.
    Attempt.objects.filter(quiz__lesson=lesson).update(needs_grading=False)
    Attempt.objects.filter(pk=late_attempt.pk).update(is_late=True)
    kept_up(course)
    teacher = EnrollmentFactory(course=course, role=Enrollment.Role.INSTRUCTOR).user
    review_settings_set(course=course, daily_cap=15, participation_credit=True, actor=teacher)
    client = Client()
    review_first_due_card(client, course, bob)
    client.force_login(teacher)
    return {"course": course, "ann": ann, "bob": bob, "teacher": teacher, "client": client}


def preview_of(client, course, **values):
    response = client.post(scheme_url(course), {**SCHEME, **values, "preview": "1"})
    assert response.status_code == 200
    return response.context["preview"]


def test_the_preview_is_what_the_gradebook_computes_after_saving_with_late_penalty_and_review_credit(world):
    course, client, ann, bob = world["course"], world["client"], world["ann"], world["bob"]
    preview = preview_of(client, course)
    predicted = {change.name: (change.after, change.letter_after) for change in preview.changes}
    # The credit counts in the totals, and the late penalty too: without it Ann's total differs.
    assert preview.review_credit
    without_penalty = {change.name: change.after for change in preview_of(client, course, late_penalty_percent="0").changes}
    name = lambda user: user.get_full_name() or user.username  # noqa: E731
    assert without_penalty[name(ann)] > predicted[name(ann)][0]
    assert without_penalty[name(bob)] == predicted[name(bob)][0]

    assert client.post(scheme_url(course), {**SCHEME, "save": "1"}).status_code == 302

    computed = {name(row.user): (row.grade.total_so_far, row.grade.letter) for row in gradebook_rows(course=course).rows}
    _frame, kept = gradebook_stream(course=course, frame=standings_fresh_frame(course=course))
    shown = {name(enrollment.user): (grade.total_so_far, grade.letter) for enrollment, grade in kept}
    assert predicted == computed == shown
    assert REVIEW_KEY in next(row for row in gradebook_rows(course=course).rows if row.user == bob).grade.items


def test_the_preview_page_says_what_it_includes_and_links_the_review_settings(world):
    course, client = world["course"], world["client"]
    page = client.post(scheme_url(course), {**SCHEME, "preview": "1"}).content.decode()
    assert "pénalité de retard" in page and "Le crédit de participation des révisions est activé" in page
    assert reverse("courses:review:settings", kwargs={"course": course.slug}) in page


def test_scheme_and_review_settings_changes_are_in_recent_changes_in_french_words(world):
    course, client, teacher = world["course"], world["client"], world["teacher"]
    client.post(scheme_url(course), {**SCHEME, "save": "1"})
    client.post(reverse("courses:review:settings", kwargs={"course": course.slug}), {"daily_cap": "20"})

    review_line = AuditEntry.objects.filter(action=AuditEntry.Action.REVIEW_SETTINGS).first()
    assert review_line.actor == teacher
    assert review_line.changes == {"daily_cap": [15, 20], "participation_credit": [True, False]}
    page = client.get(reverse("courses:studio:index", kwargs={"course": course.slug})).content.decode()
    assert "Réglages des révisions modifiés" in page
    assert "Révisions par jour\u00a0: 15 → 20" in page
    assert "Les révisions comptent comme participation\u00a0: oui → non" in page
    assert "Barème modifié" in page
    assert "Pénalité de retard (%)\u00a0: 0 → 25" in page
    assert "Tests (%)\u00a0: 70 → 60" in page
    assert "late_penalty_percent" not in page and "daily_cap" not in page


def test_review_settings_saved_again_unchanged_write_no_line(world):
    course, teacher = world["course"], world["teacher"]
    lines = AuditEntry.objects.filter(action=AuditEntry.Action.REVIEW_SETTINGS).count()
    review_settings_set(course=course, daily_cap=15, participation_credit=True, actor=teacher)
    assert AuditEntry.objects.filter(action=AuditEntry.Action.REVIEW_SETTINGS).count() == lines == 1


def test_a_course_copy_line_reads_as_french_phrases(db):
    from studio.templatetags.studio_tags import changes_text

    line = AuditEntry(action=AuditEntry.Action.COURSE_COPY,
                      changes={"source": "marketing-a2026", "starts_on": "2027-01-05", "days_shifted": 48})
    assert changes_text(line) == "Copié de\u00a0: marketing-a2026 · Début\u00a0: 5 jan. 2027 · Dates décalées de (jours)\u00a0: 48"


def test_values_are_formatted_dates_booleans_choices_and_decimal_commas(db):
    from studio.templatetags.studio_tags import changes_text

    quiz_line = AuditEntry(action=AuditEntry.Action.QUIZ_SETTINGS, changes={
        "due_at": ["2026-12-01T04:59:00+00:00", "2026-12-08T04:59:00+00:00"], "grading_method": ["highest", "average"],
    })
    text = changes_text(quiz_line)
    assert "30 nov. 2026, 23:59 → 7 déc. 2026, 23:59" in text and "due_at" not in text and "highest" not in text
    scheme_line = AuditEntry(action=AuditEntry.Action.GRADING_SCHEME, changes={"late_penalty_percent": ["0.00", "2.50"]})
    assert changes_text(scheme_line) == "Pénalité de retard (%)\u00a0: 0 → 2,50"
    edit_line = AuditEntry(action=AuditEntry.Action.QUESTION_EDIT, changes={
        "new_version": True, "options": {"accent_insensitive": False, "articles_optional": True},
    })
    assert changes_text(edit_line) == (
        "Nouvelle version\u00a0: oui · Options de réponse\u00a0: accents ignorés\u00a0: non, article en tête facultatif\u00a0: oui"
    )
    enrol_line = AuditEntry(action=AuditEntry.Action.ENROLLMENT_EDIT, changes={"role": ["student", "ta"]})
    assert changes_text(enrol_line) == "Rôle\u00a0: Étudiant·e → Auxiliaire d’enseignement"


@pytest.mark.parametrize("size", [3, 30])
def test_the_settings_page_and_its_preview_hold_a_constant_number_of_queries(django_assert_num_queries, size):
    course, instructor, lessons = course_with_lessons(lessons=2, due_in=[dt.timedelta(days=-3), dt.timedelta(days=4)])
    bulk_class(course, lessons, size)
    attempt(lessons[0], student(course, first_name="Tardive"), 5, late=True)
    client = Client()
    client.force_login(instructor)
    client.get(scheme_url(course))  # the session's first read
    # As tests/studio/test_page_queries.py pins it: session, user, course access, the scheme, the unread notifications.
    with django_assert_num_queries(5):
        assert client.get(scheme_url(course)).status_code == 200
    # The same four, then the frame (scheme, lessons, the quizzes' exceptions), the stale standings (none), the
    # kept standings; the reference computation under the proposed scheme: whether the course has manual items,
    # lessons, the quizzes' exceptions, students, reading, attempts, posts, review credit, overrides; and the
    # unread notifications of the page's header.
    with django_assert_num_queries(19):
        response = client.post(scheme_url(course), {**SCHEME, "preview": "1"})
    assert len(response.context["preview"].changes) == size + 1
    assert all(change.after is not None for change in response.context["preview"].changes)
    assert Decimal(0) <= response.context["preview"].mean_after <= Decimal(100)


def test_the_review_settings_page_explains_the_credit_in_french(world):
    course, client = world["course"], world["client"]
    page = client.get(reverse("courses:review:settings", kwargs={"course": course.slug})).content.decode()
    assert "Quand le crédit est activé" in page and "When the credit is on" not in page
    assert f'href="{scheme_url(course)}"' in page  # the one grading-settings page, with its preview
