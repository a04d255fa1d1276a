"""Writes of the instructor studio.

Each function checks, acts through the owning app's own service where one
exists (the GIFT import and its versioning, the CSV enrolment, the grading
scheme, the prompt threads), does nothing when the wanted state is already
there, and writes one line of the course's audit trail (`courses.audit`) for every change. The caller
(a view or a command) has already checked that the actor may write.
"""

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.selectors import never_activated_q
from accounts.services import invitation_resend
from coursesite.changes import changes_between
from coursesite.errors import ActionRefused
from coursesite.progress import Progress, progress_none
from courses.audit import Action, audit_record, audit_trail
from courses.models import Course, Enrollment
from courses.selectors import course_lead_instructor
from courses.services import enrollment_remove, enrollment_update, enrollments_bulk_create_from_csv
from discussions.services import prompt_threads_sync
from gradebook.selectors import grading_scheme_for
from gradebook.services import grading_scheme_update
from lessons.models import DiscussionPrompt, Lesson
from discussions.models import Post
from lessons.services import lesson_create, lesson_delete, lesson_move, lesson_update, prompt_add, prompt_update
from lessons.selectors import visible_to_students
from quizzes.gift import parse_gift, write_gift
from quizzes.gift_messages import gift_error_message
from quizzes.models import Attempt, Question, Quiz
from quizzes.question_data import gift_from_question, question_key
from quizzes.services import (
    QUIZ_SETTING_FIELDS,
    GiftImportError,
    ImportMode,
    QuizImportReport,
    question_delete,
    question_restore,
    question_hide,
    question_move,
    quiz_ensure,
    quiz_import_gift,
    quiz_override_delete,
    quiz_override_save,
    quiz_settings_update,
    question_options_set,
)
from quizzes.models import QuizOverride
from notifications.services import notifications_create
from studio.models import EnrolmentImport



class StudioError(ActionRefused):
    """A change the rules refuse; the message is for the instructor who tried it."""


# --- Quiz content ---------------------------------------------------------------------------------


@transaction.atomic
def studio_quiz_import(*, lesson: Lesson, text: str, actor, mode: str = ImportMode.REPLACE) -> QuizImportReport:
    """Import a GIFT text through the quiz import (same versioning rule): « replace » makes it the whole quiz,
    « add » adds its questions and retires nothing. A hidden question stays hidden in its new version.
    """
    report = quiz_import_gift(lesson=lesson, text=text, actor=actor, mode=mode)  # the import writes its audit line
    return report


def studio_quiz_import_plan(*, lesson: Lesson, text: str, mode: str = ImportMode.REPLACE) -> QuizImportReport:
    """What importing the text would do (titles created, updated, versioned, retired, deleted), saving nothing:
    the import itself runs and is rolled back, so the plan cannot differ from what « Import » then does."""
    return quiz_import_gift(lesson=lesson, text=text, actor=None, mode=mode, dry_run=True, record=False)


@transaction.atomic
def studio_question_add(*, lesson: Lesson, text: str, actor, options: dict | None = None) -> Question:
    """Add one question (its GIFT, as the form writes it) at the end of the lesson's quiz.

    A title already in the quiz is refused: adding is not editing (the edit page versions a question).
    """
    result = parse_gift(text)
    if result.errors or len(result.questions) != 1:
        raise StudioError(_("Write exactly one question here (found %(count)d).") % {"count": len(result.questions)})
    gift = result.questions[0]
    quiz = quiz_ensure(lesson=lesson)
    key = question_key(gift)
    if Question.objects.filter(quiz=quiz, key=key, is_active=True).exists():
        raise StudioError(_("The quiz already has a question titled “%(title)s”: choose another title, or edit that one.")
                          % {"title": gift.title or gift.text[:60]})
    try:
        quiz_import_gift(lesson=lesson, text=text, actor=actor, mode=ImportMode.ADD, allow_empty=True, record=False)
    except GiftImportError as exc:
        raise StudioError(str(exc)) from exc
    if options is not None:
        question_options_set(quiz=quiz, key=key, options=options)
    audit_record(course=lesson.course, actor=actor, action=Action.QUESTION_ADD, target=gift.title or gift.text[:80],
                 changes={"lesson": lesson.slug, "type": gift.type})
    return Question.objects.get(quiz=quiz, key=key, is_active=True)


@transaction.atomic
def studio_question_restore(*, question: Question, actor) -> bool:
    """Bring a question back from the « Corbeille » at the end of its quiz; False when it was back already."""
    restored = question_restore(question=question)
    if restored:
        audit_record(course=question.quiz.lesson.course, actor=actor, action=Action.QUESTION_RESTORE,
                     target=question.title or question.key, changes={"version": question.version})
    return restored


def quiz_gift_text(*, quiz: Quiz) -> str:
    """The quiz's current questions as GIFT, in their order (what export_gift writes)."""
    questions = Question.objects.filter(quiz=quiz, is_active=True).order_by("position", "pk")
    return write_gift(gift_from_question(q) for q in questions)


def question_gift_text(*, question: Question) -> str:
    """One question's GIFT for editing; its category stays the question's, so no $CATEGORY line."""
    gift = gift_from_question(question)
    gift.category = None
    return write_gift([gift]).strip()


def parse_one_question(*, question: Question, text: str):
    """The edited GIFT of one question, checked; raises StudioError with every problem and its line."""
    result = parse_gift(text)
    if result.errors:
        raise StudioError("; ".join(gift_error_message(error) for error in result.errors))
    if len(result.questions) != 1:
        raise StudioError(_("Write exactly one question here (found %(count)d).") % {"count": len(result.questions)})
    edited = result.questions[0]
    if question.title and not edited.title:
        edited.title = question.title  # the title identifies the question across imports
    if edited.title != question.title:
        raise StudioError(_("Keep the title “%(title)s”: it identifies the question, and attempts refer to it.") % {"title": question.title})
    if edited.category is None:
        edited.category = question.category or None
    return edited


@transaction.atomic
def studio_question_update(*, question: Question, text: str, actor, options: dict | None = None) -> QuizImportReport:
    """Change one question through the quiz import: answered, it gets a new version; attempts keep theirs.

    `options` (a short answer's grading options, which GIFT cannot carry) are set on the question's
    current version in place, like a key corrected in the admin: a regrade applies them to past attempts.
    """
    edited = parse_one_question(question=question, text=text)
    questions = list(Question.objects.filter(quiz=question.quiz, is_active=True).order_by("position", "pk"))
    gifts = [edited if q.pk == question.pk else gift_from_question(q) for q in questions]
    try:
        report = quiz_import_gift(lesson=question.quiz.lesson, text=write_gift(gifts), actor=actor, record=False)
    except GiftImportError as exc:
        raise StudioError(str(exc)) from exc
    options_changed = options is not None and question_options_set(quiz=question.quiz, key=question.key, options=options)
    if report.updated or report.versioned or report.created or options_changed:
        changes = {"new_version": bool(report.versioned), "lesson": question.quiz.lesson.slug}
        if options_changed:
            changes["options"] = options
        audit_record(
            course=question.quiz.lesson.course, actor=actor, action="question_edit", target=question.title or question.key,
            changes=changes,
        )
    return report


@transaction.atomic
def studio_question_move(*, question: Question, direction: str, actor, seen_at: int | None = None) -> bool:
    moved = question_move(question=question, direction=direction, seen_at=seen_at)
    if moved:
        audit_record(course=question.quiz.lesson.course, actor=actor, action="question_move", target=question.title or question.key,
                     changes={"direction": direction})
    return moved


@transaction.atomic
def studio_question_hide(*, question: Question, hidden: bool, actor) -> bool:
    """Hide a question from new attempts (or show it again); False when it already was."""
    changes = question_hide(question=question, hidden=hidden)
    if changes:
        audit_record(course=question.quiz.lesson.course, actor=actor, action="question_hide" if hidden else "question_show",
                     target=question.title or question.key, changes=changes)
    return bool(changes)


@transaction.atomic
def studio_question_delete(*, question: Question, actor) -> None:
    course = question.quiz.lesson.course
    target = question.title or question.key
    question_delete(question=question)
    audit_record(course=course, actor=actor, action="question_delete", target=target)


# --- Quiz settings --------------------------------------------------------------------------------


def quiz_settings_consequences(*, quiz: Quiz, values: dict, now=None) -> list[str]:
    """What a change of settings does to work already there, in plain words."""
    now = now or timezone.now()
    changes = changes_between(quiz, values)
    notes = []
    attempts = Attempt.objects.filter(quiz=quiz, is_preview=False)
    if "time_limit_minutes" in changes:
        started = attempts.filter(status=Attempt.Status.IN_PROGRESS).count()
        if started:
            notes.append(ngettext(
                "%(count)d attempt already started will keep its original time limit.",
                "%(count)d attempts already started will keep their original time limit.", started,
            ) % {"count": started})
    if "max_attempts" in changes and values["max_attempts"] is not None:
        over = attempts.values("user").annotate(n=Max("number")).filter(n__gte=values["max_attempts"]).count()
        if over:
            notes.append(ngettext(
                "%(count)d student has already used %(max)d attempts or more: they cannot start another one.",
                "%(count)d students have already used %(max)d attempts or more: they cannot start another one.", over,
            ) % {"count": over, "max": values["max_attempts"]})
    if "grading_method" in changes:
        graded = attempts.filter(status=Attempt.Status.SUBMITTED).values("user").distinct().count()
        if graded:
            notes.append(ngettext(
                "The quiz grade of %(count)d student will be computed again with the new method.",
                "The quiz grade of %(count)d students will be computed again with the new method.", graded,
            ) % {"count": graded})
    if "due_at" in changes:
        missing = Enrollment.objects.filter(course=quiz.lesson.course, role=Enrollment.Role.STUDENT).exclude(
            user__quiz_attempts__quiz=quiz, user__quiz_attempts__status=Attempt.Status.SUBMITTED
        ).count()
        notes.append(ngettext(
            "%(count)d student has not submitted this quiz yet; reminders follow the new due date.",
            "%(count)d students have not submitted this quiz yet; reminders follow the new due date.", missing,
        ) % {"count": missing})
    if "review_policy" in changes:
        notes.append(_("Students who already submitted see (or stop seeing) the correct answers according to the new rule."))
    if "late_policy" in changes and values["late_policy"] == Quiz.LatePolicy.REFUSE:
        notes.append(_("After the due date no new attempt can start, and attempts in progress end at the due date."))
    return notes


@transaction.atomic
def studio_quiz_settings_update(*, quiz: Quiz, actor, now=None, **values) -> dict:
    """Change a quiz's settings (quizzes' rules); only changed fields are saved and logged. Returns {field: [old, new]}."""
    changes = quiz_settings_update(quiz=quiz, now=now, **values)
    if changes:
        audit_record(course=quiz.lesson.course, actor=actor, action="quiz_settings", target=quiz.lesson.title, changes=changes)
    return changes


# --- Lessons ----------------------------------------------------------------------------------------


# Long texts (a reading, a summary) are recorded in the audit trail by their length, not in full.
AUDIT_TEXT_LIMIT = 200


def _audit_value(value):
    if isinstance(value, str) and len(value) > AUDIT_TEXT_LIMIT:
        return _("%(count)d characters") % {"count": len(value)}
    return value


def _audit_changes(changes: dict) -> dict:
    return {name: [_audit_value(old), _audit_value(new)] for name, (old, new) in changes.items()}


@transaction.atomic
def studio_lesson_update(*, lesson: Lesson, actor, **values) -> dict:
    """Change what the site edits of a lesson; only what changed is saved and logged."""
    changes = lesson_update(lesson=lesson, **values)
    if changes:
        audit_record(course=lesson.course, actor=actor, action=Action.LESSON_EDIT, target=lesson.title, changes=_audit_changes(changes))
    return changes


@transaction.atomic
def studio_lesson_edit(*, lesson: Lesson, actor, due_at, **values) -> dict:
    """The lesson page's one save: its fields and its quiz's due date, all or nothing (a due date refused
    leaves the lesson as it was)."""
    changes = studio_lesson_update(lesson=lesson, actor=actor, **values)
    quiz = getattr(lesson, "quiz", None)
    if quiz is not None or due_at is not None:
        changes.update(studio_quiz_settings_update(quiz=quiz or quiz_ensure(lesson=lesson), actor=actor, due_at=due_at))
    return changes


@transaction.atomic
def studio_lesson_create(*, course: Course, actor, due_at=None, **values) -> Lesson:
    """A new lesson written in the site (placed last), with its quiz's due date when one is given; logged."""
    lesson = lesson_create(course=course, **values)
    audit_record(course=course, actor=actor, action=Action.LESSON_CREATE, target=lesson.title, changes={
        "slug": lesson.slug, "is_published": lesson.is_published, "release_at": lesson.release_at,
    })
    if due_at is not None:
        studio_quiz_settings_update(quiz=quiz_ensure(lesson=lesson), actor=actor, due_at=due_at)
    return lesson


def lesson_answered(*, lesson: Lesson) -> bool:
    """Whether a student did anything a deletion would lose: an attempt at its quiz, an answer to one of its
    prompts, a post in its discussion (the pinned prompt openings are the lesson's own text, not answers)."""
    return (
        Attempt.objects.filter(quiz__lesson=lesson).exists()
        or Post.objects.filter(thread__lesson=lesson).exclude(is_opening=True, thread__prompt__isnull=False).exists()
    )


@transaction.atomic
def studio_lesson_delete(*, lesson: Lesson, actor) -> None:
    """Delete a lesson nobody answered yet (its quiz, prompts and their threads go with it); refused otherwise."""
    # The lesson's row is locked: an attempt or post starting now waits for this decision.
    Lesson.objects.select_for_update().filter(pk=lesson.pk).first()
    if lesson_answered(lesson=lesson):
        raise StudioError(_("This lesson cannot be deleted: students have already answered it (quiz attempts, prompt "
                            "answers or posts). Unpublish it instead: it disappears for students and their work is kept."))
    audit_record(course=lesson.course, actor=actor, action=Action.LESSON_DELETE, target=lesson.title,
                 changes={"slug": lesson.slug, "position": lesson.position})
    lesson_delete(lesson=lesson)


@transaction.atomic
def studio_lesson_move(*, lesson: Lesson, direction: str, actor, seen_at: int | None = None) -> bool:
    moved = lesson_move(lesson=lesson, direction=direction, seen_at=seen_at)
    if moved:
        audit_record(course=lesson.course, actor=actor, action="lesson_move", target=lesson.title, changes={"direction": direction})
    return moved


def _prompt_threads(lesson: Lesson) -> None:
    prompt_threads_sync(lesson=lesson, author=course_lead_instructor(course=lesson.course))


@transaction.atomic
def studio_prompt_add(*, lesson: Lesson, title: str, body: str, actor) -> DiscussionPrompt:
    prompt = prompt_add(lesson=lesson, title=title, body=body)
    _prompt_threads(lesson)
    audit_record(course=lesson.course, actor=actor, action="prompt_add", target=prompt.title, changes={"lesson": lesson.slug})
    return prompt


@transaction.atomic
def studio_prompt_update(*, prompt: DiscussionPrompt, actor, **values) -> dict:
    """Reword a prompt or retire it / bring it back (lessons' rules); its thread follows; answers are never deleted."""
    changes = prompt_update(prompt=prompt, **values)
    if changes:
        _prompt_threads(prompt.lesson)
        audit_record(course=prompt.lesson.course, actor=actor, action="prompt_edit", target=prompt.title, changes=changes)
    return changes


# --- People -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EnrollmentCsvResult:
    created_users: int
    created_enrollments: int
    already_enrolled: int


@transaction.atomic
def studio_enrollments_from_csv(
    *, course: Course, csv_text: str, role: str, actor, create_accounts: bool = False, allow_look_alikes: bool = False
) -> EnrollmentCsvResult:
    """Enrol a CSV through the admin's all-or-nothing service, stricter than the admin: a repeated
    line is an error, and so is an address without an account unless `create_accounts` (the
    instructor ticked it). Raises ValidationError (every error with its line) and saves nothing."""
    result = enrollments_bulk_create_from_csv(
        course=course, csv_text=csv_text, role=role, refuse_duplicates=True, create_missing_accounts=create_accounts,
        invited_by=actor,
        allow_look_alikes=allow_look_alikes,
    )
    if result.created_enrollments:
        audit_record(course=course, actor=actor, action="enrol_csv", target=ngettext("%(count)d person", "%(count)d people", result.created_enrollments) % {"count": result.created_enrollments},
                     changes={"role": role, "created_users": result.created_users, "enrolled": result.created_enrollments})
    return EnrollmentCsvResult(result.created_users, result.created_enrollments, result.already_enrolled)


# Above this many lines, a CSV enrolment runs in a worker with a progress page (one request creating
# thousands of accounts held a web worker for minutes).
ASYNC_ENROLMENT_LINES = 2_000


def enrolment_csv_line_count(*, csv_text: str) -> int:
    return sum(1 for line in csv_text.splitlines() if line.strip())


@transaction.atomic
def enrolment_import_queue(
    *, course: Course, csv_text: str, role: str, actor, create_accounts: bool = False, allow_look_alikes: bool = False
) -> EnrolmentImport:
    """Save a large CSV enrolment and queue its run after the commit; the page follows its state."""
    from coursesite.broker import task_publish_quietly
    from studio.tasks import enrolment_import_task

    job = EnrolmentImport.objects.create(
        course=course, actor=actor, role=role, create_accounts=create_accounts, allow_look_alikes=allow_look_alikes, csv_text=csv_text,
        line_count=enrolment_csv_line_count(csv_text=csv_text),
    )
    transaction.on_commit(lambda: task_publish_quietly(enrolment_import_task, job.pk))
    return job


def enrolment_import_run(*, import_id: int) -> str:
    """Run a queued CSV enrolment once: the page's own service (all or nothing), then the report.

    A second delivery of the task finds the row no longer queued and does nothing.
    """
    claimed = EnrolmentImport.objects.filter(pk=import_id, status=EnrolmentImport.Status.QUEUED).update(
        status=EnrolmentImport.Status.RUNNING
    )
    if not claimed:
        return "skipped"
    job = EnrolmentImport.objects.select_related("course", "actor").get(pk=import_id)
    # The report's messages are written in the instructor's language, as the page would have shown them.
    language = job.actor.preferred_language if job.actor else settings.LANGUAGE_CODE
    try:
        with translation.override(language):
            result = studio_enrollments_from_csv(
                course=job.course, csv_text=job.csv_text, role=job.role, actor=job.actor, create_accounts=job.create_accounts,
                allow_look_alikes=job.allow_look_alikes,
            )
    except ValidationError as exc:
        job.status, job.report = EnrolmentImport.Status.FAILED, {"errors": exc.messages}
    else:
        job.status = EnrolmentImport.Status.DONE
        job.report = {"created_users": result.created_users, "enrolled": result.created_enrollments, "already_enrolled": result.already_enrolled}
    job.finished_at = timezone.now()
    # The file is no longer needed once its report is written.
    job.csv_text = ""
    job.save(update_fields=["status", "report", "finished_at", "csv_text"])
    return job.status


@transaction.atomic
def studio_invitations_resend(*, course: Course, actor, user_ids=None) -> int:
    """« Resend the invitation » to these enrolled people (None: everyone of the course not yet activated).

    Each gets a new link (the old one stops working) with the full lifetime; an account that has come
    in meanwhile is left alone. Returns how many invitations went into the outbox.
    """
    pending = Enrollment.objects.filter(never_activated_q("user__"), course=course, user__is_active=True).select_related("user")
    if user_ids is not None:
        pending = pending.filter(user_id__in=list(user_ids))
    landing = reverse("courses:detail", kwargs={"course": course.slug})
    sent = [
        e.user for e in pending
        if invitation_resend(user=e.user, invited_by=actor, course_title=course.title, landing_path=landing) is not None
    ]
    if sent:
        audit_record(course=course, actor=actor, action="invitation_resend",
                     target=sent[0].email if len(sent) == 1 else ngettext("%(count)d person", "%(count)d people", len(sent)) % {"count": len(sent)},
                     changes={"user_ids": [user.pk for user in sent]})
    return len(sent)


@transaction.atomic
def studio_enrollment_update(*, enrollment: Enrollment, actor, **values) -> dict:
    """Change a person's role, group or extra time in the course (courses' rules), logged; a student given
    extra time is told."""
    changes = enrollment_update(enrollment=enrollment, by=actor, **values)
    target = enrollment.user.email or enrollment.user.username
    extra = changes.pop("extra_time_percent", None)
    if changes:
        audit_record(course=enrollment.course, actor=actor, action="enrollment_edit", target=target,
                     subject=enrollment.user, changes=changes)
    if extra is not None:
        audit_record(course=enrollment.course, actor=actor, action=Action.EXTRA_TIME, target=target,
                     subject=enrollment.user, changes={"extra_time_percent": extra})
        if extra[1] > extra[0] and enrollment.role == Enrollment.Role.STUDENT:
            course = enrollment.course
            notifications_create(
                users=[enrollment.user], kind=OVERRIDE_GRANTED, subject_key=f"courses.enrollment:{enrollment.pk}",
                url=reverse("courses:detail", kwargs={"course": course.slug}),
                render=lambda: (
                    _("Extra time in %(course)s") % {"course": course.title},
                    _("You now have %(percent)d %% more time on every timed quiz of the course.") % {"percent": extra[1]},
                ),
            )
        changes["extra_time_percent"] = extra
    return changes


@transaction.atomic
def studio_enrollment_remove(*, enrollment: Enrollment, actor) -> None:
    """Remove a person from the course; the audit line keeps their role and group for a restore."""
    audit_record(course=enrollment.course, actor=actor, action="enrollment_remove", target=enrollment.user.email or enrollment.user.username,
                 subject=enrollment.user, changes={"role": enrollment.role, "group": enrollment.group})
    enrollment_remove(enrollment=enrollment, by=actor)


@transaction.atomic
def studio_enrollment_restore(*, course: Course, user_id: int, actor) -> Enrollment:
    """Enrol again, with the role and group they had, someone removed from the course."""
    existing = Enrollment.objects.filter(course=course, user_id=user_id).first()
    if existing is not None:
        return existing
    removal = audit_trail(course=course, actions=[Action.ENROLLMENT_REMOVE]).filter(subject_id=user_id).first()
    if removal is None:
        raise StudioError(_("This person was never removed from the course."))
    enrollment = Enrollment.objects.create(course=course, user_id=user_id, role=removal.changes.get("role", Enrollment.Role.STUDENT),
                                           group=removal.changes.get("group", ""))
    audit_record(course=course, actor=actor, action="enrollment_restore", target=removal.target, subject=removal.subject)
    return enrollment


# --- Grading scheme ---------------------------------------------------------------------------------


@transaction.atomic
def studio_grading_scheme_update(*, course: Course, actor, **values):
    """Save the scheme through the gradebook's one service, which records what changed."""
    return grading_scheme_update(course=course, actor=actor, **values)


# --- Course copy ------------------------------------------------------------------------------------


def _shift(value, delta: dt.timedelta):
    return value + delta if value is not None else None


def _term_start(course: Course) -> dt.date:
    """The source's start date; without one, a week before its first quiz date (today if it has none)."""
    if course.starts_on:
        return course.starts_on
    quizzes = Quiz.objects.filter(lesson__course=course)
    dates = [d for pair in quizzes.values_list("opens_at", "due_at") for d in pair if d is not None]
    if not dates:
        return timezone.localdate()
    return timezone.localtime(min(dates)).date() - dt.timedelta(weeks=1)


@transaction.atomic
def course_copy(
    *, course: Course, new_slug: str, starts_on: dt.date, actor=None, title: str = "", progress: Progress = progress_none
) -> Course:
    """Copy a course for a new term: lessons, prompts, quizzes (questions and settings), scheme; no students, no posts.

    Every date moves by the gap between the two start dates (a source without a start date
    is taken to start a week before its first quiz date). The copy's
    staff are the source's instructors (and the actor). Running it again
    for the same slug returns the copy already made. `progress` is told of each lesson copied.
    """
    existing = Course.objects.filter(slug=new_slug).first()
    if existing is not None:
        if audit_trail(course=existing, actions=[Action.COURSE_COPY]).filter(changes__source=course.slug).exists():
            return existing
        raise StudioError(_("A course with the address “%(slug)s” already exists.") % {"slug": new_slug})
    delta = dt.timedelta(days=(starts_on - _term_start(course)).days)
    copy = Course.objects.create(
        slug=new_slug, title=title or course.title, description=course.description, starts_on=starts_on,
        ends_on=_shift(course.ends_on, delta) if course.ends_on else None, time_zone=course.time_zone,
        reminder_hours_before_due=course.reminder_hours_before_due,
    )
    staff = set(Enrollment.objects.filter(course=course, role=Enrollment.Role.INSTRUCTOR).values_list("user_id", flat=True))
    if actor is not None and not actor.is_superuser:
        staff.add(actor.pk)
    Enrollment.objects.bulk_create(
        [Enrollment(course=copy, user_id=user_id, role=Enrollment.Role.INSTRUCTOR) for user_id in sorted(staff)]
    )
    lesson_fields = ("source_key", "slug", "position", "title", "author", "source", "published_on", "summary",
                     "objectives", "instructor_note", "blocks", "word_count", "is_published", "reading_markdown",
                     "reading_html", "import_fingerprint")
    for lesson in Lesson.objects.filter(course=course).prefetch_related("prompts").select_related("quiz").order_by("position"):
        new_lesson = Lesson.objects.create(
            course=copy, release_at=_shift(lesson.release_at, delta) if lesson.release_at else None,
            **{name: getattr(lesson, name) for name in lesson_fields},
        )
        DiscussionPrompt.objects.bulk_create([
            DiscussionPrompt(lesson=new_lesson, position=p.position, title=p.title, body=p.body, is_active=p.is_active)
            for p in lesson.prompts.all()
        ])
        quiz = getattr(lesson, "quiz", None)
        if quiz is not None:
            new_quiz = quiz_ensure(lesson=new_lesson)
            settings = {name: getattr(quiz, name) for name in QUIZ_SETTING_FIELDS}
            settings["opens_at"], settings["due_at"] = _shift(quiz.opens_at, delta), _shift(quiz.due_at, delta)
            Quiz.objects.filter(pk=new_quiz.pk).update(**settings)
            text = quiz_gift_text(quiz=quiz)
            if text:
                # Through the import, so the copy's choice ids are its own.
                quiz_import_gift(lesson=new_lesson, text=text, actor=actor)
                hidden = list(Question.objects.filter(quiz=quiz, is_active=True, is_hidden=True).values_list("key", flat=True))
                Question.objects.filter(quiz=new_quiz, key__in=hidden).update(is_hidden=True)
        prompt_threads_sync(lesson=new_lesson, author=course_lead_instructor(course=copy))
        progress(1)
    scheme = grading_scheme_for(course=course)
    if scheme.pk:
        from gradebook.services import SCHEME_FIELDS

        grading_scheme_update(course=copy, **{name: getattr(scheme, name) for name in SCHEME_FIELDS})
    audit_record(course=copy, actor=actor, action="course_copy", target=copy.title,
                 changes={"source": course.slug, "starts_on": starts_on, "days_shifted": delta.days})
    audit_record(course=course, actor=actor, action="course_copied", target=new_slug, changes={"copy": new_slug})
    return copy


def user_by_login(*, login: str):
    User = get_user_model()
    login = login.strip()
    return User.objects.filter(email__iexact=login).first() or User.objects.filter(username=login).first()


# --- Overrides: a student's or a group's own quiz dates ------------------------------------------------

# The notification kind `notifications` lists with its preferences (issue 25's notifications part).
OVERRIDE_GRANTED = "override_granted"


def _override_who(override: QuizOverride) -> str:
    if override.user_id is not None:
        return override.user.email or override.user.username
    return _("group %(group)s") % {"group": override.group}


def _override_lines(override: QuizOverride, course: Course) -> list[str]:
    """What the override gives, in the reader's language and the course's time zone."""
    zone = ZoneInfo(course.time_zone)

    def when(value):
        return formats.date_format(timezone.localtime(value, zone), "DATETIME_FORMAT")

    lines = []
    if override.opens_at:
        lines.append(_("Opens: %(date)s") % {"date": when(override.opens_at)})
    if override.due_at:
        lines.append(_("Your due date: %(date)s") % {"date": when(override.due_at)})
    if override.time_limit_minutes:
        lines.append(_("Time limit: %(minutes)d minutes") % {"minutes": override.time_limit_minutes})
    if override.max_attempts:
        lines.append(_("Attempts allowed: %(count)d") % {"count": override.max_attempts})
    return lines


@transaction.atomic
def studio_quiz_override_save(*, quiz: Quiz, actor, user=None, group: str = "", now=None, **values) -> dict:
    """Give a student or a group their own dates for a quiz (quizzes' rules); logged, and its students told.
    Returns {field: [old, new]}, {} when nothing changed."""
    override, changes, students = quiz_override_save(quiz=quiz, user=user, group=group, now=now, **values)
    if not changes:
        return {}
    course = quiz.lesson.course
    audit_record(course=course, actor=actor, action=Action.QUIZ_OVERRIDE_SET, target=f"{quiz.lesson.title} – {_override_who(override)}",
                 subject=user, changes=changes)
    # A lesson students cannot see yet has no page to send them to: they are told nothing.
    if students and Lesson.objects.filter(visible_to_students(), pk=quiz.lesson_id).exists():
        notifications_create(
            users=list(get_user_model().objects.filter(pk__in=students)), kind=OVERRIDE_GRANTED,
            subject_key=f"quizzes.override:{override.pk}",
            url=reverse("courses:quizzes:start", kwargs={"course": course.slug, "lesson": quiz.lesson.slug}),
            render=lambda: (
                _("Your own dates for the quiz « %(quiz)s »") % {"quiz": quiz.lesson.title},
                "\n".join(_override_lines(override, course)),
            ),
        )
    return changes


@transaction.atomic
def studio_quiz_override_delete(*, override: QuizOverride, actor) -> None:
    """Remove an override (its students have the usual dates again); logged with what it held."""
    quiz = override.quiz
    who = _override_who(override)
    subject = override.user
    held, _students = quiz_override_delete(override=override)
    audit_record(course=quiz.lesson.course, actor=actor, action=Action.QUIZ_OVERRIDE_DELETE, target=f"{quiz.lesson.title} – {who}",
                 subject=subject, changes=held)
