"""Manual grade items: the course's own categories and weights, items, grades typed one by one or imported
from a CSV (all or nothing, errors by line), each change audited, the student told, the standings following."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from courses.models import AuditEntry
from gradebook.computation import ItemState, manual_key
from gradebook.models import GradeCategory, GradingScheme, ManualGrade, ManualItem, Standing
from gradebook.selectors import grade_from_standing, gradebook_rows
from gradebook.services import (
    CategoryWeight, GradebookError, ImportRefused, grade_categories_save, grading_scheme_update, manual_grade_set,
    manual_grades_import, manual_item_save,
)
from notifications.models import Notification
from tests.gradebook.builders import attempt, course_with_lessons, read, student

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    course, instructor, lessons = course_with_lessons(due_in=(timedelta(days=-1), timedelta(days=-1)))
    alice = student(course, first_name="Hélène", last_name="Côté", username="alice")
    bob = student(course, first_name="Bruno", last_name="Arsenault", username="bob")
    return course, instructor, lessons, alice, bob


def team_project(course, instructor, weight=20, **item):
    """« Projet d'équipe » weighing `weight` %, taken from the quizzes, with one item out of 20."""
    (category,) = grade_categories_save(
        course=course, actor=instructor, quiz_weight=70 - weight, participation_weight=20, reading_weight=10,
        categories=[CategoryWeight(title="Projet d'équipe", weight=weight)],
    )
    fields = {"title": "Projet d'équipe", "category": f"custom:{category.pk}", "max_points": "20", **item}
    return category, manual_item_save(course=course, actor=instructor, **fields)


def kept(course, user):
    return grade_from_standing(Standing.objects.get(course=course, user=user))


def test_weights_must_still_add_up_to_100_with_the_courses_own_categories(world):
    course, instructor, _lessons, _alice, _bob = world

    with pytest.raises(GradebookError, match="100"):
        grade_categories_save(
            course=course, actor=instructor, quiz_weight=70, participation_weight=20, reading_weight=10,
            categories=[CategoryWeight(title="Examen final", weight=30)],
        )
    assert not GradeCategory.objects.filter(course=course).exists()

    category, _item = team_project(course, instructor)
    scheme = GradingScheme.objects.get(course=course)
    assert (scheme.quiz_weight, scheme.extra_weight, category.weight) == (50, 20, 20)
    # The scheme settings alone cannot break the sum either.
    with pytest.raises(GradebookError, match="20"):
        grading_scheme_update(course=course, actor=instructor, quiz_weight=70, participation_weight=20, reading_weight=10)


def test_a_category_holding_items_cannot_be_removed(world):
    course, instructor, _lessons, _alice, _bob = world
    team_project(course, instructor)

    with pytest.raises(GradebookError, match="contient des éléments"):
        grade_categories_save(
            course=course, actor=instructor, quiz_weight=70, participation_weight=20, reading_weight=10, categories=[]
        )
    assert GradeCategory.objects.filter(course=course).count() == 1


def test_a_manual_grade_counts_in_its_category_with_the_categorys_weight(world):
    course, instructor, lessons, alice, _bob = world
    for lesson in lessons:
        attempt(lesson, alice, 10)  # 100 % on both quizzes
        read(lesson, alice)
    _category, item = team_project(course, instructor)

    manual_grade_set(item=item, student=alice, points="10", actor=instructor)  # 50 %

    grade = kept(course, alice)
    assert grade.items[manual_key(item.pk)].value == Decimal("50.00")
    # Quizzes 100 % × 50, participation 0 % × 20 (past due, nothing posted), reading 100 % × 10, project 50 % × 20.
    assert grade.total_so_far == Decimal("70.00")


def test_an_ungraded_item_is_left_out_then_to_grade_once_past_due(world):
    course, instructor, _lessons, alice, _bob = world
    _category, item = team_project(course, instructor, due_at=timezone.now() + timedelta(days=3))
    assert kept(course, alice).items[item.key].state == ItemState.NOT_DUE

    manual_item_save(
        course=course, actor=instructor, item=item, title=item.title, category=f"custom:{item.category_id}",
        max_points="20", due_at=timezone.now() - timedelta(hours=1),
    )

    grade = kept(course, alice)
    assert grade.items[item.key].state == ItemState.TO_GRADE
    assert grade.pending_count == 1


def test_points_are_checked_against_the_maximum_and_a_comma_is_a_decimal_point(world):
    course, instructor, _lessons, alice, _bob = world
    _category, item = team_project(course, instructor)

    with pytest.raises(GradebookError, match="maximum"):
        manual_grade_set(item=item, student=alice, points="21", actor=instructor)
    with pytest.raises(GradebookError, match="n’est pas un nombre"):
        manual_grade_set(item=item, student=alice, points="beaucoup", actor=instructor)
    manual_grade_set(item=item, student=alice, points="17,5", actor=instructor)

    assert ManualGrade.objects.get(item=item, student=alice).points == Decimal("17.50")
    with pytest.raises(GradebookError, match="dépassent ce maximum"):
        manual_item_save(course=course, actor=instructor, item=item, title=item.title, category=f"custom:{item.category_id}", max_points="15")


def test_every_grade_change_is_audited_once_and_the_student_is_told(world):
    course, instructor, _lessons, alice, _bob = world
    _category, item = team_project(course, instructor)

    manual_grade_set(item=item, student=alice, points="12", actor=instructor)
    manual_grade_set(item=item, student=alice, points="12", actor=instructor)  # the same again: nothing happens
    manual_grade_set(item=item, student=alice, points="14", actor=instructor)
    manual_grade_set(item=item, student=alice, points="", actor=instructor)  # cleared

    entries = AuditEntry.objects.filter(course=course, action=AuditEntry.Action.MANUAL_ITEM_GRADE).order_by("pk")
    assert [e.changes["points"] for e in entries] == [[None, "12.00"], ["12.00", "14.00"], ["14.00", None]]
    assert all(e.subject == alice and e.actor == instructor for e in entries)
    notices = Notification.objects.filter(user=alice, kind="grade_entered")
    assert notices.count() == 2  # entered, changed; not when cleared
    assert "Projet d'équipe" in notices.first().title
    assert not ManualGrade.objects.filter(item=item).exists()


def test_a_csv_with_a_bad_line_saves_nothing_and_names_the_line(world):
    course, instructor, _lessons, alice, bob = world
    _category, item = team_project(course, instructor)
    text = "username;Projet d'équipe\nalice;15,5\nbob;25\ninconnu;10\n"

    with pytest.raises(ImportRefused) as refused:
        manual_grades_import(course=course, actor=instructor, text=text)

    assert len(refused.value.errors) == 2
    assert refused.value.errors[0].startswith("Ligne 3") and "maximum" in refused.value.errors[0]
    assert refused.value.errors[1].startswith("Ligne 4") and "inconnu" in refused.value.errors[1]
    assert not ManualGrade.objects.exists()
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.MANUAL_ITEM_GRADE).exists()


def test_a_good_csv_imports_every_grade_in_one_go(world):
    course, instructor, _lessons, alice, bob = world
    _category, item = team_project(course, instructor)
    text = "\ufeffUsername,Projet d'équipe\nalice,15.5\nBOB,18\n"

    preview = manual_grades_import(course=course, actor=instructor, text=text, dry_run=True)
    assert [(c.student, c.new) for c in preview.changed] == [(alice, Decimal("15.50")), (bob, Decimal("18.00"))]
    assert not ManualGrade.objects.exists()

    manual_grades_import(course=course, actor=instructor, text=text)

    assert kept(course, alice).items[item.key].points == Decimal("15.50")
    assert kept(course, bob).items[item.key].value == Decimal("90.00")
    assert AuditEntry.objects.filter(action=AuditEntry.Action.MANUAL_ITEM_GRADE).count() == 2
    assert AuditEntry.objects.get(action=AuditEntry.Action.MANUAL_GRADES_IMPORT).changes == {"grades": 2, "students": 2}
    assert Notification.objects.filter(kind="grade_entered").count() == 2


def test_an_unknown_item_column_is_refused_on_line_1(world):
    course, instructor, _lessons, _alice, _bob = world
    team_project(course, instructor)

    with pytest.raises(ImportRefused) as refused:
        manual_grades_import(course=course, actor=instructor, text="username,Examen\nalice,10\n")

    assert refused.value.errors == ["Ligne 1\u00a0: aucun élément noté à la main ne s’intitule «\u00a0Examen\u00a0»."]


def test_the_kept_standing_equals_the_computed_one_after_manual_writes(world):
    course, instructor, lessons, alice, bob = world
    attempt(lessons[0], bob, 7)
    _category, item = team_project(course, instructor)
    second = manual_item_save(course=course, actor=instructor, title="Examen final", category="quiz", max_points="50", weight=3)
    manual_grade_set(item=item, student=alice, points="13", actor=instructor)
    manual_grades_import(course=course, actor=instructor, text="username,Examen final\nbob,41\nalice,22.25\n")

    computed = {row.user.pk: row.grade for row in gradebook_rows(course=course).rows}
    for user in (alice, bob):
        assert kept(course, user) == computed[user.pk]
    assert computed[bob.pk].items[second.key].weight == 3


def test_manual_items_page_adds_a_category_and_an_item(client, world):
    course, instructor, _lessons, _alice, _bob = world
    client.force_login(instructor)
    url = reverse("courses:gradebook:items", kwargs={"course": course.slug})

    refused = client.post(url, {"action": "weights", "quiz_weight": 70, "participation_weight": 20, "reading_weight": 10,
                                "new_title": "Projet d'équipe", "new_weight": 20})
    assert refused.status_code == 400
    assert "100" in refused.content.decode()
    assert 'value="Projet d&#x27;équipe"' in refused.content.decode()  # what was typed stays

    client.post(url, {"action": "weights", "quiz_weight": 50, "participation_weight": 20, "reading_weight": 10,
                      "new_title": "Projet d'équipe", "new_weight": 20})
    category = GradeCategory.objects.get(course=course)
    response = client.post(url, {"action": "item", "title": "Projet d'équipe", "category": f"custom:{category.pk}",
                                 "weight": 1, "max_points": "20"})
    assert response.status_code == 302
    assert ManualItem.objects.get(course=course).category == category


def test_the_scheme_settings_page_counts_the_courses_own_categories_in_the_sum(client, world):
    course, instructor, _lessons, _alice, _bob = world
    team_project(course, instructor)  # quizzes 50, participation 20, reading 10, project 20
    client.force_login(instructor)
    url = reverse("courses:studio:scheme", kwargs={"course": course.slug})  # the one grading-settings page
    fields = {"save": "1", "participation_weight": 20, "reading_weight": 10, "full_participation_percent": 100,
              "replies_only_percent": 50, "late_penalty_percent": 0, "letter_scale": "A 80\nB 60\nE 0"}

    refused = client.post(url, {**fields, "quiz_weight": 70})
    assert "20" in refused.content.decode() and GradingScheme.objects.get(course=course).quiz_weight == 50

    assert client.post(url, {**fields, "quiz_weight": 40, "reading_weight": 20}).status_code == 302
    assert GradingScheme.objects.get(course=course).reading_weight == 20


def test_the_import_preview_shows_the_changes_and_saves_nothing_until_confirmed(client, world):
    course, instructor, _lessons, alice, _bob = world
    _category, item = team_project(course, instructor)
    client.force_login(instructor)
    url = reverse("courses:gradebook:items", kwargs={"course": course.slug})
    upload = SimpleUploadedFile("notes.csv", "username;Projet d'équipe\nalice;15,5\n".encode("utf-8-sig"))

    preview = client.post(url, {"action": "preview", "file": upload})

    assert preview.status_code == 200 and "15,5" in preview.content.decode()
    assert not ManualGrade.objects.exists()
    text = preview.context["import_form"].initial["text"]
    assert client.post(url, {"action": "import", "text": text}).status_code == 302
    assert ManualGrade.objects.get(item=item, student=alice).points == Decimal("15.5")


def test_two_categories_can_swap_titles_in_one_save(world):
    course, instructor, _lessons, _alice, _bob = world
    first, second = grade_categories_save(
        course=course, actor=instructor, quiz_weight=50, participation_weight=20, reading_weight=10,
        categories=[CategoryWeight(title="Examen", weight=10), CategoryWeight(title="Projet", weight=10)],
    )

    grade_categories_save(
        course=course, actor=instructor, quiz_weight=50, participation_weight=20, reading_weight=10,
        categories=[CategoryWeight(id=first.pk, title="Projet", weight=10), CategoryWeight(id=second.pk, title="Examen", weight=10)],
    )

    assert dict(GradeCategory.objects.values_list("pk", "title")) == {first.pk: "Projet", second.pk: "Examen"}
    # Saving the same again changes nothing, so it writes no audit line.
    before = AuditEntry.objects.filter(action=AuditEntry.Action.GRADE_CATEGORIES).count()
    grade_categories_save(
        course=course, actor=instructor, quiz_weight=50, participation_weight=20, reading_weight=10,
        categories=[CategoryWeight(id=first.pk, title="Projet", weight=10), CategoryWeight(id=second.pk, title="Examen", weight=10)],
    )
    assert AuditEntry.objects.filter(action=AuditEntry.Action.GRADE_CATEGORIES).count() == before
