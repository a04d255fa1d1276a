"""The kept standings equal the computed ones after every kind of write, through the real services.

"Kept" is what the `Standing` rows hold right after the write committed, read raw (no refresh on
read); "computed" is `gradebook_rows`, the computation the pages ran before standings were kept.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from courses.models import Enrollment
from courses.services import enrollment_update, enrollments_bulk_create_from_csv
from discussions.models import Post, Thread
from discussions.services import post_create, post_delete, post_hide, post_unhide, thread_create
from django.db.models import Max

from gradebook.models import GradeCategory, GradingScheme, ManualGrade, ManualItem, Standing
from gradebook.selectors import (
    frame_fingerprint, grade_from_standing, gradebook_frame, gradebook_page, gradebook_rows, student_fingerprint,
)
from gradebook.services import (
    CategoryWeight, grade_categories_save, grade_override_clear, grade_override_set, grading_scheme_update, manual_grade_set,
    manual_grades_import, manual_item_save,
)
from gradebook.standings import standings_fresh_frame, standings_rebuild
from lessons.services import lesson_mark_read, lesson_mark_unread
from quizzes.models import Question, Quiz, QuizOverride, Response
from quizzes.services import (
    attempt_save, attempt_start, attempt_submit, quiz_override_delete, quiz_override_save, quiz_regrade, response_grade_manually,
)
from review.models import Card
from review.services import card_review, cards_add_for_attempts, review_settings_set
from tests.factories import EnrollmentFactory, quiz_from_gift
from tests.gradebook.builders import TEN_QUESTIONS, course_with_lessons

pytestmark = pytest.mark.django_db

WITH_ESSAY = TEN_QUESTIONS + "\n\n::Essai:: Expliquez l’effet de réseau. {}"


def kept_rows(course) -> dict:
    return {s.user_id: s for s in Standing.objects.filter(course=course).select_related("enrollment", "user")}


def assert_kept_equals_computed(course):
    """Every student has a standing computed under the course's current state, equal to computing it now."""
    frame = gradebook_frame(course=course)
    computed = {row.user.pk: row for row in gradebook_rows(course=course, frame=frame).rows}
    kept = kept_rows(course)
    assert set(kept) == set(computed)
    for user_id, row in computed.items():
        standing = kept[user_id]
        assert standing.fingerprint == student_fingerprint(frame, user_id)
        assert grade_from_standing(standing) == row.grade
        assert standing.last_activity == row.last_activity
    # And the page, filtered and sorted by the database, flags whom the computation flags.
    page = gradebook_page(course=course, per_page=1000, frame=standings_fresh_frame(course=course, now=frame.now))
    assert {r.user.pk: r.risk_reasons for r in page.page.object_list} == {u: r.risk_reasons for u, r in computed.items()}


@pytest.fixture
def world():
    # Lesson 1 is past due (missing work counts 0), lesson 2 is not; lesson 2's quiz has an essay.
    course, instructor, (first, second) = course_with_lessons()
    Quiz.objects.filter(lesson=second).delete()
    quiz_from_gift(second, WITH_ESSAY, due_at=timezone.now() + timedelta(days=7), max_attempts=None)
    students = [EnrollmentFactory(course=course).user for _ in range(3)]
    return course, instructor, first, second, students


def right_answers(quiz, count):
    answers = {}
    for question in Question.objects.filter(quiz=quiz, is_active=True, type="multichoice").order_by("position")[:count]:
        good = next(a for a in question.data["answers"] if float(a.get("fraction", 0)) > 0)
        answers[str(question.pk)] = good["id"]
    return answers


def submit(lesson, user, right=7, essay=False):
    quiz = Quiz.objects.get(lesson=lesson)
    attempt = attempt_start(quiz=quiz, user=user)
    answers = right_answers(quiz, right)
    if essay:
        answers[str(Question.objects.get(quiz=quiz, title="Essai").pk)] = "Parce que chaque membre ajoute de la valeur."
    return attempt_submit(attempt_id=attempt.pk, answers=answers)


def with_cards(user):
    """The student's review cards, made as the on-commit hook makes them after a graded attempt."""
    from quizzes.models import Attempt

    return cards_add_for_attempts(attempt_ids=list(Attempt.objects.filter(user=user).values_list("pk", flat=True)))


def review_one(course, user, right=True):
    """Answer the student's first due card through the review service (two days after the quiz: every card is due)."""
    now = timezone.now() + timedelta(days=3)
    card = Card.objects.filter(user=user, course=course, due__lte=now).order_by("due", "pk").first()
    if card is None:
        return None
    question = Question.objects.get(quiz_id=card.quiz_id, key=card.question_key, is_active=True)
    choice = next(a for a in question.data["answers"] if (float(a.get("fraction", 0)) > 0) == right)
    return card_review(
        card_id=card.pk, user=user, course=course, question_id=question.pk, question_answer=choice["id"],
        shown_due=card.due.isoformat(), now=now,
    )


def prompt_thread(lesson):
    return Thread.objects.filter(lesson=lesson, prompt__isnull=False).order_by("prompt__position").first()


# --------------------------------------------------------------------------- one test per kind of write


def test_starting_and_autosaving_an_attempt_moves_the_last_activity(world):
    course, _instructor, first, _second, (ann, *_rest) = world
    quiz = Quiz.objects.get(lesson=first)
    attempt = attempt_start(quiz=quiz, user=ann)
    assert kept_rows(course)[ann.pk].last_activity == attempt.started_at
    later = timezone.now() + timedelta(minutes=5)
    attempt_save(attempt_id=attempt.pk, answers=right_answers(quiz, 2), now=later)
    assert kept_rows(course)[ann.pk].last_activity == later
    assert_kept_equals_computed(course)


def test_a_graded_attempt_shows_in_the_kept_standing(world):
    course, _instructor, first, _second, (ann, bob, _cat) = world
    submit(first, ann, right=7)
    submit(first, bob, right=3)
    kept = kept_rows(course)
    assert kept[ann.pk].items[f"quiz:{first.pk}"][1] == "70.0"
    assert kept[bob.pk].total_so_far < kept[ann.pk].total_so_far
    assert_kept_equals_computed(course)


def test_an_essay_waits_then_its_manual_grade_shows(world):
    course, instructor, _first, second, (ann, *_rest) = world
    attempt = submit(second, ann, essay=True)
    assert kept_rows(course)[ann.pk].pending_count == 1
    essay = Response.objects.get(attempt=attempt, question__title="Essai")
    response_grade_manually(response_id=essay.pk, grader=instructor, score=Decimal(1))
    assert kept_rows(course)[ann.pk].pending_count == 0
    assert_kept_equals_computed(course)


def test_a_regrade_moves_every_student_it_changes(world):
    course, instructor, first, _second, (ann, bob, _cat) = world
    submit(first, ann, right=10)
    quiz = Quiz.objects.get(lesson=first)
    question = Question.objects.filter(quiz=quiz, is_active=True).order_by("position").first()
    wrong = next(a for a in question.data["answers"] if float(a.get("fraction", 0)) <= 0)
    attempt_submit(attempt_id=attempt_start(quiz=quiz, user=bob).pk, answers={str(question.pk): wrong["id"]})
    # The key was wrong: every answer of the first question now gets the point.
    data = question.data
    for answer in data["answers"]:
        answer["fraction"] = 1
    Question.objects.filter(pk=question.pk).update(data=data)
    before = kept_rows(course)[bob.pk].total_so_far
    quiz_regrade(quiz=Quiz.objects.get(lesson=first), actor=instructor)
    assert kept_rows(course)[bob.pk].total_so_far != before
    assert_kept_equals_computed(course)


def test_an_override_and_its_clearing_show_at_once(world):
    course, instructor, first, _second, (ann, *_rest) = world
    grade_override_set(course=course, student=ann, item="total", value="88", reason="Entente", actor=instructor)
    assert kept_rows(course)[ann.pk].total_so_far == Decimal("88.00")
    assert_kept_equals_computed(course)
    grade_override_clear(course=course, student=ann, item="total", actor=instructor, reason="Annulé")
    assert kept_rows(course)[ann.pk].total_overridden is False
    assert_kept_equals_computed(course)


def test_posts_threads_and_moderation_change_participation(world):
    course, instructor, first, second, (ann, bob, _cat) = world
    post = post_create(thread=prompt_thread(first), author=ann, body="Ma réponse")
    thread_create(lesson=second, author=bob, title="Une question", body="Pourquoi ?")
    assert kept_rows(course)[ann.pk].items[f"participation:{first.pk}"][0] == "graded"
    assert_kept_equals_computed(course)
    post_hide(post=post, actor=instructor, reason="hors sujet")
    assert kept_rows(course)[ann.pk].items[f"participation:{first.pk}"][0] == "missing"
    assert_kept_equals_computed(course)
    post_unhide(post=Post.objects.get(pk=post.pk), actor=instructor)
    assert_kept_equals_computed(course)
    post_delete(post=Post.objects.get(pk=post.pk), user=ann)
    assert_kept_equals_computed(course)


def test_reviews_and_the_review_credit_setting_show_at_once(world):
    course, _instructor, first, _second, (ann, bob, _cat) = world
    submit(first, ann, right=7)
    submit(first, bob, right=7)
    with_cards(ann), with_cards(bob)
    assert_kept_equals_computed(course)
    review_settings_set(course=course, daily_cap=15, participation_credit=True)  # the whole class at once
    kept = kept_rows(course)
    assert kept[ann.pk].items["participation:0"][:2] == ["graded", "0.00"]
    assert_kept_equals_computed(course)
    review_one(course, ann)
    review_one(course, ann, right=False)  # a wrong answer is a review too
    kept = kept_rows(course)
    assert kept[ann.pk].items["participation:0"][:2] == ["graded", "20.00"]  # 2 of her 10 questions
    assert kept[bob.pk].items["participation:0"][:2] == ["graded", "0.00"]
    assert kept[ann.pk].total_so_far > kept[bob.pk].total_so_far
    assert_kept_equals_computed(course)
    review_settings_set(course=course, daily_cap=15, participation_credit=False)
    assert "participation:0" not in kept_rows(course)[ann.pk].items
    assert_kept_equals_computed(course)


def test_a_question_swapped_by_a_reimport_is_seen_by_the_review_credit_on_the_next_read(world):
    from quizzes.services import quiz_import_gift

    course, _instructor, first, _second, (ann, *_rest) = world
    submit(first, ann, right=7)
    with_cards(ann)
    review_settings_set(course=course, daily_cap=15, participation_credit=True)
    review_one(course, ann)
    assert kept_rows(course)[ann.pk].items["participation:0"][1] == "10.00"  # 1 of 10
    # The instructor replaces the first question by another one (same count): its card leaves the deck.
    reviewed_key = Card.objects.get(user=ann, reviews=2).question_key
    text = "\n\n".join(
        f"::Q{n}:: Question {n} ? {{=Bon ~Mauvais ~Autre}}" for n in range(10) if f"Q{n}" != reviewed_key
    ) + "\n\n::Nouvelle:: Une autre question ? {=Oui ~Non}"
    quiz_import_gift(lesson=first, text=text)
    page = gradebook_page(course=course, per_page=1000, frame=standings_fresh_frame(course=course))
    row = next(r for r in page.page.object_list if r.user.pk == ann.pk)
    assert row.grade.items["participation:0"].value == Decimal("0.00")  # 0 of the 9 cards left
    assert_kept_equals_computed(course)


def test_reading_and_unreading_a_lesson(world):
    course, _instructor, first, _second, (ann, *_rest) = world
    lesson_mark_read(lesson=first, user=ann)
    assert kept_rows(course)[ann.pk].items[f"reading:{first.pk}"][0] == "graded"
    assert_kept_equals_computed(course)
    lesson_mark_unread(lesson=first, user=ann)
    assert kept_rows(course)[ann.pk].items[f"reading:{first.pk}"][0] == "missing"
    assert_kept_equals_computed(course)


def test_a_scheme_change_refreshes_the_whole_class_in_its_transaction(world):
    course, _instructor, first, _second, (ann, bob, _cat) = world
    submit(first, ann, right=9)
    lesson_mark_read(lesson=first, user=bob)
    grading_scheme_update(course=course, quiz_weight=40, participation_weight=10, reading_weight=50)
    assert_kept_equals_computed(course)
    grading_scheme_update(course=course, letter_scale=[{"letter": "Réussi", "min": 50}, {"letter": "Échec", "min": 0}])
    assert {s.letter for s in kept_rows(course).values()} <= {"Réussi", "Échec"}
    assert_kept_equals_computed(course)


def test_enrolments_add_standings_and_a_role_change_removes_one(world):
    course, _instructor, _first, _second, (ann, *_rest) = world
    enrollments_bulk_create_from_csv(course=course, csv_text="zoe@example.org,Zoé,Zèbre,G1\nyan@example.org,Yan,Yak,G2\n")
    newcomer = EnrollmentFactory(course=course).user
    kept = kept_rows(course)
    assert {newcomer.pk} | set(get_user_model().objects.filter(email__in=["zoe@example.org", "yan@example.org"]).values_list("pk", flat=True)) <= set(kept)
    enrollment = Enrollment.objects.get(course=course, user=ann)
    enrollment.role = Enrollment.Role.TEACHING_ASSISTANT
    enrollment.save()
    assert ann.pk not in kept_rows(course)
    assert_kept_equals_computed(course)


def test_a_login_moves_the_last_activity(client, world):
    course, _instructor, _first, _second, (ann, *_rest) = world
    ann.set_password("motdepasse-1234")
    ann.save()
    assert client.post(reverse("login"), {"username": ann.username, "password": "motdepasse-1234"}).status_code == 302
    ann.refresh_from_db()
    assert kept_rows(course)[ann.pk].last_activity == ann.last_login
    assert_kept_equals_computed(course)


def test_a_renamed_student_moves_in_the_name_order(world):
    course, _instructor, _first, _second, (ann, bob, cat) = world
    ann.last_name = "Zzz"
    ann.save()
    order = [r.user.pk for r in gradebook_page(course=course, frame=standings_fresh_frame(course=course)).page.object_list]
    assert order[-1] == ann.pk


def test_a_due_date_that_passes_is_seen_on_the_next_read(world):
    course, _instructor, _first, second, (ann, *_rest) = world
    later = timezone.now() + timedelta(days=8)  # lesson 2 falls due: its missing work now counts 0
    before = kept_rows(course)[ann.pk].items[f"quiz:{second.pk}"][0]
    page = gradebook_page(course=course, frame=standings_fresh_frame(course=course, now=later))
    row = next(r for r in page.page.object_list if r.user.pk == ann.pk)
    assert before == "not_due" and row.grade.items[f"quiz:{second.pk}"].state == "missing"
    computed = next(r for r in gradebook_rows(course=course, now=later).rows if r.user.pk == ann.pk)
    assert row.grade == computed.grade


def test_rebuilding_from_scratch_gives_what_computing_gives(world):
    course, instructor, first, second, (ann, bob, cat) = world
    submit(first, ann)
    post_create(thread=prompt_thread(second), author=bob, body="Oui")
    grade_override_set(course=course, student=cat, item=f"reading:{first.pk}", value="50", reason="Lu à moitié", actor=instructor)
    Standing.objects.filter(course=course).update(total_so_far=None, items={}, letter="?")
    call_command("rebuild_standings", "--course", course.slug, stdout=open("/dev/null", "w"))
    assert_kept_equals_computed(course)


# --------------------------------------------------------------------------- random histories


OPERATIONS = st.lists(
    st.tuples(
        st.sampled_from([
            "submit", "essay", "grade_essay", "read", "unread", "post", "hide", "override", "clear", "scheme", "enrol",
            "review", "credit", "own_due", "group_due", "own_due_removed", "regroup",
            "category", "manual_item", "manual_grade", "manual_import", "manual_clear",
        ]),
        st.integers(min_value=0, max_value=2),  # which student
        st.integers(min_value=0, max_value=1),  # which lesson
        st.integers(min_value=0, max_value=10),  # a score, a count, a weight
    ),
    max_size=12,
)


def manual_operation(course, instructor, kind, user, which, amount):
    """The manual items' writes: the course's own category reweighted, an item added or changed (in "quiz"
    or in the course's own category, due in the past or not), a grade typed, imported or cleared."""
    own = GradeCategory.objects.filter(course=course).first()
    if kind == "category":
        grade_categories_save(
            course=course, actor=instructor, quiz_weight=90 - 2 * amount, participation_weight=5, reading_weight=5,
            categories=[CategoryWeight(id=own.pk if own else None, title="Projet d'équipe", weight=2 * amount)],
        )
        return
    item = ManualItem.objects.filter(course=course, title=f"Item {which}").first()
    if kind == "manual_item":
        category = f"custom:{own.pk}" if (which == 1 and own is not None) else "quiz"
        due = timezone.now() + timedelta(days=-1 if amount % 2 else 3)
        current = ManualGrade.objects.filter(item=item).aggregate(top=Max("points"))["top"] if item else None
        maximum = max(Decimal(10 + amount), current or 0)
        manual_item_save(
            course=course, actor=instructor, item=item, title=f"Item {which}", category=category,
            max_points=maximum, weight=1 + amount % 3, due_at=due,
        )
        return
    if item is None:
        return
    points = min(Decimal(amount) * Decimal("1.5"), item.max_points)
    if kind == "manual_grade":
        manual_grade_set(item=item, student=user, points=str(points), actor=instructor)
    elif kind == "manual_import":
        manual_grades_import(course=course, actor=instructor, text=f"username;{item.title}\n{user.username};{points}\n".replace(".", ","))
    else:
        manual_grade_set(item=item, student=user, points="", actor=instructor)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(history=OPERATIONS)
def test_kept_standings_equal_computed_ones_after_any_history(django_db_blocker, history):
    from django.db import transaction

    with transaction.atomic():
        course, instructor, lessons = course_with_lessons()
        Quiz.objects.filter(lesson=lessons[1]).delete()
        quiz_from_gift(lessons[1], WITH_ESSAY, due_at=timezone.now() + timedelta(days=7), max_attempts=None)
        students = [EnrollmentFactory(course=course).user for _ in range(3)]
        for kind, who, which, amount in history:
            user, lesson = students[who], lessons[which]
            if kind == "submit":
                submit(lesson, user, right=amount)
            elif kind == "essay":
                submit(lessons[1], user, right=amount, essay=True)
            elif kind == "grade_essay":
                for essay in Response.objects.filter(attempt__user=user, question__title="Essai", graded_at__isnull=True):
                    response_grade_manually(response_id=essay.pk, grader=instructor, score=Decimal(amount % 2))
            elif kind == "read":
                lesson_mark_read(lesson=lesson, user=user)
            elif kind == "unread":
                lesson_mark_unread(lesson=lesson, user=user)
            elif kind == "post":
                post_create(thread=prompt_thread(lesson), author=user, body=f"Réponse {amount}")
            elif kind == "hide":
                post = Post.objects.filter(author=user, hidden_at__isnull=True).first()
                if post is not None:
                    post_hide(post=post, actor=instructor, reason="hors sujet")
            elif kind == "override":
                grade_override_set(course=course, student=user, item=f"quiz:{lesson.pk}", value=amount * 10, reason="Révision", actor=instructor)
            elif kind == "clear":
                grade_override_clear(course=course, student=user, item=f"quiz:{lesson.pk}", actor=instructor)
            elif kind == "scheme":
                extra = GradingScheme.objects.filter(course=course).values_list("extra_weight", flat=True).first() or 0
                grading_scheme_update(
                    course=course, quiz_weight=100 - 5 * amount - extra, participation_weight=5 * amount, reading_weight=0
                )
            elif kind in ("category", "manual_item", "manual_grade", "manual_import", "manual_clear"):
                manual_operation(course, instructor, kind, user, which, amount)
            elif kind == "enrol":
                EnrollmentFactory(course=course)
            elif kind == "review":
                with_cards(user)
                review_one(course, user, right=amount % 2 == 0)
            elif kind == "credit":
                review_settings_set(course=course, daily_cap=15, participation_credit=amount % 2 == 1)
            elif kind in ("own_due", "group_due"):
                # Even: a later due date (the work stops being missing); odd: one that already passed
                # (given yesterday), so the student owes it while the class does not yet.
                now = timezone.now()
                due, given = (now + timedelta(days=amount + 1), now) if amount % 2 == 0 else (now - timedelta(hours=amount), now - timedelta(days=1))
                target = {"user": user} if kind == "own_due" else {"group": "A"}
                quiz_override_save(quiz=Quiz.objects.get(lesson=lesson), due_at=due, now=given, **target)
            elif kind == "own_due_removed":
                for override in QuizOverride.objects.filter(quiz__lesson=lesson, user=user):
                    quiz_override_delete(override=override)
            elif kind == "regroup":
                enrollment = Enrollment.objects.get(course=course, user=user)
                enrollment_update(enrollment=enrollment, by=instructor, group="" if enrollment.group else "A")
        assert_kept_equals_computed(course)
        transaction.set_rollback(True)


def test_the_periodic_task_refreshes_a_class_a_due_date_made_stale(world):
    from gradebook.tasks import refresh_stale_standings

    course, _instructor, _first, second, (ann, *_rest) = world
    Quiz.objects.filter(lesson=second).update(due_at=timezone.now() - timedelta(hours=1))  # moved by hand, no service
    assert refresh_stale_standings() == 3
    assert kept_rows(course)[ann.pk].items[f"quiz:{second.pk}"][0] == "missing"
    assert_kept_equals_computed(course)
    assert refresh_stale_standings() == 0
