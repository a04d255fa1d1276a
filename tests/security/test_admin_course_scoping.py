"""The Django admin keeps every instructor inside the courses they teach.

The instructor of course B is given every model permission on purpose: what
keeps them out of course A must be the course scoping, not a missing
permission. For each admin model: A's rows are not listed, A's change page is
refused, the add/change form offers none of A's lessons, quizzes or people,
and a forged POST naming them creates or changes nothing.
"""

from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from courses.models import AuditEntry, Enrollment
from courses.services import instructor_admin_access_grant
from gradebook.models import GradeOverride, GradingScheme
from gradebook.services import grade_override_set, grading_scheme_ensure
from lessons.models import Lesson, LessonProgress
from quizzes.models import Attempt, Question, Quiz
from quizzes.services import attempt_start, attempt_submit, quiz_regrade
from reminders.models import EmailOptOut, Reminder
from tests.factories import CourseFactory, EnrollmentFactory, LessonFactory, UserFactory, quiz_from_gift

SECRET_TITLE = "Cours A confidentiel"


@pytest.fixture
def world(db):
    """Course A with content and a student's work; course B taught by `teacher_b`, who holds every permission."""
    course_a = CourseFactory(title=SECRET_TITLE, slug="cours-a")
    teacher_a = EnrollmentFactory(course=course_a, role=Enrollment.Role.INSTRUCTOR, user__username="prof_a").user
    student_a = EnrollmentFactory(course=course_a, user__username="etudiant_a").user
    lesson_a = LessonFactory(course=course_a, title="Leçon A secrète", slug="lecon-a")
    spare_lesson_a = LessonFactory(course=course_a, title="Leçon A sans quiz", slug="lecon-a2")
    quiz_a = quiz_from_gift(lesson_a)
    attempt_a = attempt_submit(attempt_id=attempt_start(quiz=quiz_a, user=student_a).pk)
    quiz_regrade(quiz=quiz_a, actor=teacher_a)
    progress_a = LessonProgress.objects.create(lesson=lesson_a, user=student_a, read_at=timezone.now())
    scheme_a = grading_scheme_ensure(course=course_a)
    override_a = grade_override_set(
        course=course_a, student=student_a, item="total", value=Decimal("90"), reason="secret", actor=teacher_a
    )
    reminder_a = Reminder.objects.create(user=student_a, kind="due_soon", object_key=f"quiz:{quiz_a.pk}", window="24h")
    opt_out_a = EmailOptOut.objects.create(user=student_a, kind="due_soon")

    course_b = CourseFactory(title="Cours B", slug="cours-b")
    teacher_b = EnrollmentFactory(course=course_b, role=Enrollment.Role.INSTRUCTOR, user__username="prof_b").user
    student_b = EnrollmentFactory(course=course_b, user__username="etudiant_b").user
    lesson_b = LessonFactory(course=course_b, title="Leçon B", slug="lecon-b")
    spare_lesson_b = LessonFactory(course=course_b, title="Leçon B sans quiz", slug="lecon-b2")
    quiz_b = quiz_from_gift(lesson_b)
    progress_b = LessonProgress.objects.create(lesson=lesson_b, user=student_b, read_at=timezone.now())
    # teacher_b also teaches course C: its students are people teacher_b may enrol in B.
    course_c = CourseFactory(title="Cours C", slug="cours-c")
    EnrollmentFactory(course=course_c, user=teacher_b, role=Enrollment.Role.INSTRUCTOR)
    student_c = EnrollmentFactory(course=course_c, user__username="etudiant_c").user
    instructor_admin_access_grant(user=teacher_b)
    teacher_b.user_permissions.add(*Permission.objects.all())
    return {
        "course_a": course_a, "teacher_a": teacher_a, "student_a": student_a, "lesson_a": lesson_a,
        "spare_lesson_a": spare_lesson_a, "quiz_a": quiz_a, "question_a": quiz_a.questions.first(),
        "attempt_a": attempt_a, "audit_a": AuditEntry.objects.filter(course=course_a, action="override_set").first(),
        "progress_a": progress_a, "scheme_a": scheme_a, "override_a": override_a,
        "reminder_a": reminder_a,
        "opt_out_a": opt_out_a, "enrollment_a": Enrollment.objects.get(user=student_a),
        "course_b": course_b, "teacher_b": teacher_b, "student_b": student_b, "lesson_b": lesson_b,
        "spare_lesson_b": spare_lesson_b, "quiz_b": quiz_b, "question_b": quiz_b.questions.first(),
        "progress_b": progress_b, "student_c": student_c,
    }


# (admin url name, the fixture key of course A's row)
COURSE_A_ROWS = [
    ("courses_course", "course_a"),
    ("courses_enrollment", "enrollment_a"),
    ("lessons_lesson", "lesson_a"),
    ("lessons_lessonprogress", "progress_a"),
    ("quizzes_quiz", "quiz_a"),
    ("quizzes_question", "question_a"),
    ("quizzes_attempt", "attempt_a"),
    ("courses_auditentry", "audit_a"),
    ("gradebook_gradingscheme", "scheme_a"),
    ("gradebook_gradeoverride", "override_a"),
    ("reminders_reminder", "reminder_a"),
    ("reminders_emailoptout", "opt_out_a"),
    ("accounts_user", "student_a"),
]


@pytest.mark.parametrize("name, key", COURSE_A_ROWS)
def test_changelist_of_another_course_shows_nothing_of_it(client, world, name, key):
    client.force_login(world["teacher_b"])
    response = client.get(reverse(f"admin:{name}_changelist"))
    page = response.content.decode()
    # Either the list is refused outright, or it shows neither course A's rows nor its name in the filters.
    assert response.status_code in (200, 403)
    assert SECRET_TITLE not in page
    assert "etudiant_a" not in page
    assert "Leçon A secrète" not in page
    assert reverse(f"admin:{name}_change", args=[world[key].pk]) not in page


@pytest.mark.parametrize("name, key", COURSE_A_ROWS)
def test_change_page_of_another_course_row_is_refused(client, world, name, key):
    client.force_login(world["teacher_b"])
    url = reverse(f"admin:{name}_change", args=[world[key].pk])
    response = client.get(url)
    # The admin answers "does not exist" with a redirect to its index, or 403 for admins reserved to superusers.
    assert response.status_code in (302, 403)
    assert SECRET_TITLE not in response.content.decode()


@pytest.mark.parametrize("name, key", COURSE_A_ROWS)
def test_delete_of_another_course_row_is_refused(client, world, name, key):
    client.force_login(world["teacher_b"])
    row = world[key]
    response = client.post(reverse(f"admin:{name}_delete", args=[row.pk]), {"post": "yes"})
    assert response.status_code in (302, 403)
    assert type(row).objects.filter(pk=row.pk).exists()


def _field_choices(response, field):
    return set(response.context["adminform"].form.fields[field].queryset.values_list("pk", flat=True))


@pytest.mark.parametrize(
    "name, field, own_key, foreign_key",
    [
        ("courses_enrollment", "course", "course_b", "course_a"),
        ("courses_enrollment", "user", "student_b", "student_a"),
        ("lessons_lesson", "course", "course_b", "course_a"),
        ("lessons_lessonprogress", "lesson", "lesson_b", "lesson_a"),
        ("lessons_lessonprogress", "user", "student_b", "student_a"),
        ("quizzes_quiz", "lesson", "spare_lesson_b", "spare_lesson_a"),
        ("quizzes_question", "quiz", "quiz_b", "quiz_a"),
        ("gradebook_gradingscheme", "course", "course_b", "course_a"),
    ],
)
def test_add_form_offers_only_the_instructors_courses_and_people(client, world, name, field, own_key, foreign_key):
    client.force_login(world["teacher_b"])
    response = client.get(reverse(f"admin:{name}_add"))
    assert response.status_code == 200
    choices = _field_choices(response, field)
    assert world[own_key].pk in choices
    assert world[foreign_key].pk not in choices


def _management(prefix):
    return {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0", f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"}


def _question_post(quiz):
    return {
        "quiz": quiz.pk, "position": 99, "title": "Injectée", "type": "multichoice", "text": "Question injectée ?",
        "text_format": "moodle", "general_feedback": "", "category": "",
        "data": '{"answers": [{"id": "x", "text": "Oui", "fraction": 1.0, "feedback": ""}]}',
        "points": "1", "is_active": "on",
    }


def _forged_posts(world):
    """(admin url name, model, POST data naming course A) for every model an instructor may add."""
    now = timezone.localtime()
    read_at = {"read_at_0": now.strftime("%Y-%m-%d"), "read_at_1": now.strftime("%H:%M:%S")}
    return [
        ("courses_enrollment", Enrollment, {"course": world["course_a"].pk, "user": world["student_b"].pk, "role": "student"}),
        ("courses_enrollment", Enrollment, {"course": world["course_b"].pk, "user": world["student_a"].pk, "role": "student"}),
        ("lessons_lesson", Lesson, {
            "course": world["course_a"].pk, "slug": "injectee", "position": 50, "title": "Injectée", "summary": "Résumé.",
            "objectives": "[\"Comprendre\"]", "blocks": "[{\"kind\": \"paragraph\", \"text\": \"Texte.\"}]", **_management("prompts"),
        }),
        ("lessons_lessonprogress", LessonProgress, {"lesson": world["lesson_a"].pk, "user": world["student_a"].pk, **read_at}),
        ("lessons_lessonprogress", LessonProgress, {"lesson": world["spare_lesson_b"].pk, "user": world["student_a"].pk, **read_at}),
        ("quizzes_quiz", Quiz, {
            "lesson": world["spare_lesson_a"].pk, "late_policy": "accept", "max_attempts": 2, "grading_method": "highest",
            "review_policy": "after_submit", "shuffle_choices": "on", **_management("questions"),
        }),
        ("quizzes_question", Question, _question_post(world["quiz_a"])),
        ("gradebook_gradingscheme", GradingScheme, {
            "course": world["course_a"].pk, "quiz_weight": 70, "participation_weight": 20, "reading_weight": 10,
            "full_participation_percent": 100, "replies_only_percent": 50, "late_penalty_percent": "0",
            "letter_scale": '[{"letter": "A", "min": 80}, {"letter": "E", "min": 0}]',
        }),
    ]


def test_forged_add_posts_naming_another_course_create_nothing(client, world):
    client.force_login(world["teacher_b"])
    GradingScheme.objects.filter(course=world["course_a"]).delete()
    for name, model, data in _forged_posts(world):
        before = model.objects.count()
        response = client.post(reverse(f"admin:{name}_add"), data)
        assert response.status_code == 200, (name, response.status_code)
        assert response.context["adminform"].form.errors, name
        assert model.objects.count() == before, name


def test_the_same_add_posts_inside_the_instructors_course_do_create(client, world):
    """The control case: the forged posts above fail because of course A, not because they are malformed."""
    client.force_login(world["teacher_b"])
    own = {
        "course_a": world["course_b"], "student_a": world["student_b"], "lesson_a": world["lesson_b"],
        "spare_lesson_a": world["spare_lesson_b"], "quiz_a": world["quiz_b"],
    }
    LessonProgress.objects.filter(user=world["student_b"]).delete()
    GradingScheme.objects.filter(course=world["course_b"]).delete()
    posts = _forged_posts({**world, **own})
    posts[0][2]["user"] = world["student_c"].pk  # someone of course C, not yet in B
    for name, model, data in [posts[0], posts[2], posts[3], posts[5], posts[6], posts[7]]:
        before = model.objects.count()
        response = client.post(reverse(f"admin:{name}_add"), data)
        assert response.status_code == 302, (name, response.context and response.context["adminform"].form.errors)
        assert model.objects.count() == before + 1, name


def test_forged_change_posts_cannot_move_a_row_into_another_course(client, world):
    client.force_login(world["teacher_b"])
    question = world["question_b"]
    response = client.post(reverse("admin:quizzes_question_change", args=[question.pk]), _question_post(world["quiz_a"]))
    assert response.status_code == 200
    question.refresh_from_db()
    assert question.quiz == world["quiz_b"]
    assert not world["quiz_a"].questions.filter(title="Injectée").exists()

    progress = world["progress_b"]
    now = timezone.localtime()
    response = client.post(
        reverse("admin:lessons_lessonprogress_change", args=[progress.pk]),
        {"lesson": world["lesson_a"].pk, "user": world["student_a"].pk,
         "read_at_0": now.strftime("%Y-%m-%d"), "read_at_1": now.strftime("%H:%M:%S")},
    )
    assert response.status_code == 200
    progress.refresh_from_db()
    assert (progress.lesson, progress.user) == (world["lesson_b"], world["student_b"])


def test_forged_inline_enrolment_cannot_enrol_a_stranger(client, world):
    client.force_login(world["teacher_b"])
    course = world["course_b"]
    data = {
        "slug": course.slug, "title": course.title, "description": "", "time_zone": "America/Montreal",
        "reminder_hours_before_due": "[]",
        "enrollments-TOTAL_FORMS": "1", "enrollments-INITIAL_FORMS": "0",
        "enrollments-MIN_NUM_FORMS": "0", "enrollments-MAX_NUM_FORMS": "1000",
        "enrollments-0-user": world["student_a"].pk, "enrollments-0-role": "student", "enrollments-0-group": "",
    }
    # The existing enrolments are inline rows too; the forged one comes after them.
    existing = list(Enrollment.objects.filter(course=course).order_by("pk"))
    data["enrollments-TOTAL_FORMS"] = str(len(existing) + 1)
    data["enrollments-INITIAL_FORMS"] = str(len(existing))
    for n, enrollment in enumerate(existing):
        data.update({
            f"enrollments-{n}-id": enrollment.pk, f"enrollments-{n}-course": course.pk,
            f"enrollments-{n}-user": enrollment.user_id, f"enrollments-{n}-role": enrollment.role, f"enrollments-{n}-group": "",
        })
    n = len(existing)
    data.update({f"enrollments-{n}-user": world["student_a"].pk, f"enrollments-{n}-role": "student", f"enrollments-{n}-group": ""})
    response = client.post(reverse("admin:courses_course_change", args=[course.pk]), data)
    assert response.status_code == 200
    assert not Enrollment.objects.filter(course=course, user=world["student_a"]).exists()


def test_regrade_action_on_another_course_quiz_does_nothing(client, world):
    client.force_login(world["teacher_b"])
    before = AuditEntry.objects.filter(course=world["course_a"], action="regrade").count()
    Attempt.objects.filter(pk=world["attempt_a"].pk).update(score=0)
    client.post(
        reverse("admin:quizzes_quiz_changelist"),
        {"action": "regrade_attempts", "_selected_action": [world["quiz_a"].pk]},
    )
    assert AuditEntry.objects.filter(course=world["course_a"], action="regrade").count() == before


def test_superuser_sees_and_chooses_from_every_course(client, world):
    boss = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(boss)
    page = client.get(reverse("admin:lessons_lesson_changelist")).content.decode()
    assert "Leçon A secrète" in page and "Leçon B" in page
    response = client.get(reverse("admin:lessons_lessonprogress_add"))
    assert {world["lesson_a"].pk, world["lesson_b"].pk} <= _field_choices(response, "lesson")
    assert {world["student_a"].pk, world["student_b"].pk} <= _field_choices(response, "user")
    assert client.get(reverse("admin:reminders_reminder_changelist")).status_code == 200


def test_every_admin_of_the_project_is_scoped_to_courses():
    """Every admin is scoped to taught courses or reserved to superusers (unscoped ones are reserved at start-up)."""
    from courses.admin import CourseScopedAdminMixin, SuperuserOnlyAdminMixin

    for model, model_admin in admin.site._registry.items():
        assert isinstance(model_admin, (CourseScopedAdminMixin, SuperuserOnlyAdminMixin)), model
        if isinstance(model_admin, CourseScopedAdminMixin):
            for inline in model_admin.inlines:
                assert issubclass(inline, CourseScopedAdminMixin), inline


@pytest.mark.parametrize("name", [
    "auth_group", "django_celery_beat_periodictask", "django_celery_beat_crontabschedule", "axes_accessattempt",
])
def test_admins_of_other_packages_are_reserved_to_superusers(client, world, name):
    client.force_login(world["teacher_b"])
    assert client.get(reverse(f"admin:{name}_changelist")).status_code == 403
    assert client.get(reverse(f"admin:{name}_add")).status_code == 403
    boss = UserFactory(username="root2", is_staff=True, is_superuser=True)
    client.force_login(boss)
    assert client.get(reverse(f"admin:{name}_changelist")).status_code == 200


def test_reading_record_needs_a_student_of_that_lessons_course(client, world):
    client.force_login(world["teacher_b"])
    now = timezone.localtime()
    data = {"lesson": world["spare_lesson_b"].pk, "user": world["student_c"].pk,
            "read_at_0": now.strftime("%Y-%m-%d"), "read_at_1": now.strftime("%H:%M:%S")}
    response = client.post(reverse("admin:lessons_lessonprogress_add"), data)
    assert response.status_code == 200
    assert "user" in response.context["adminform"].form.errors
    assert not LessonProgress.objects.filter(user=world["student_c"]).exists()


def test_instructor_still_lists_and_filters_their_own_course(client, world):
    client.force_login(world["teacher_b"])
    page = client.get(reverse("admin:quizzes_question_changelist")).content.decode()
    assert reverse("admin:quizzes_question_change", args=[world["question_b"].pk]) in page
    page = client.get(reverse("admin:courses_enrollment_changelist")).content.decode()
    assert "?course__id__exact=%d" % world["course_b"].pk in page  # the course filter lists the instructor's own courses
    assert "?course__id__exact=%d" % world["course_a"].pk not in page


def test_instructor_who_adds_a_course_teaches_it(client, world):
    client.force_login(world["teacher_b"])
    data = {"slug": "nouveau", "title": "Nouveau cours", "description": "", "time_zone": "America/Montreal",
            "reminder_hours_before_due": "[]", **_management("enrollments")}

    response = client.post(reverse("admin:courses_course_add"), data)

    assert response.status_code == 302
    assert Enrollment.objects.filter(course__slug="nouveau", user=world["teacher_b"], role="instructor").exists()


def test_reactivating_a_retired_version_is_refused_with_a_message(client, world):
    from quizzes.services import quiz_import_gift
    from tests.factories import SAMPLE_GIFT

    client.force_login(world["teacher_b"])
    quiz = world["quiz_b"]
    learner = world["student_b"]
    attempt_submit(attempt_id=attempt_start(quiz=quiz, user=learner).pk)
    quiz_import_gift(lesson=world["lesson_b"], text=SAMPLE_GIFT.replace("Quelle est la capitale", "Quelle est donc la capitale"))
    retired = Question.objects.get(quiz=quiz, title="Capitale", is_active=False)
    data = {**_question_post(quiz), "title": "Capitale", "type": retired.type, "text": retired.text, "position": retired.position}

    response = client.post(reverse("admin:quizzes_question_change", args=[retired.pk]), data)

    assert response.status_code == 200
    assert "is_active" in response.context["adminform"].form.errors
    assert Question.objects.filter(quiz=quiz, title="Capitale", is_active=True).count() == 1


def test_people_search_of_the_admin_is_refused_to_instructors(client, world):
    client.force_login(world["teacher_b"])
    response = client.get(
        reverse("admin:autocomplete"),
        {"term": "etudiant", "app_label": "courses", "model_name": "enrollment", "field_name": "user"},
    )
    assert response.status_code == 403
    assert "etudiant_a" not in response.content.decode()


def test_nul_character_in_a_json_field_is_a_form_error(client, world):
    client.force_login(world["teacher_b"])
    question = world["question_b"]
    data = {**_question_post(world["quiz_b"]), "title": question.title, "text": question.text,
            "data": '{"answers": [{"id": "x", "text": "Oui\\u0000", "fraction": 1.0, "feedback": ""}]}'}

    response = client.post(reverse("admin:quizzes_question_change", args=[question.pk]), data)

    assert response.status_code == 200
    assert "data" in response.context["adminform"].form.errors
    question.refresh_from_db()
    assert "\x00" not in str(question.data)
