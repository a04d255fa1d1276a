"""Writes about quizzes: GIFT import, attempts (start, save, submit, expire), grading and regrading.

Every function is keyword-only and runs in one transaction. Submitting locks
the attempt row first, so a double click or two concurrent requests grade it
exactly once.
"""

import random
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from coursesite.broker import task_publish_quietly
from coursesite.changes import changes_apply, changes_between, changes_save
from coursesite.errors import ActionRefused, BadPayload
from courses.audit import Action, audit_record
from courses.models import Enrollment
from courses.signals import course_frame_changed, student_activity_recorded, student_work_changed
from lessons.models import Lesson
from quizzes import grading
from quizzes.dates import DATE_FIELDS, QuizDates, quiz_dates_for, quiz_dates_for_class
from quizzes.gift import GiftError, GiftParseResult, parse_gift
from quizzes.models import TRASH_DAYS, Attempt, Question, Quiz, QuizOverride, Response
from quizzes.question_data import CONTENT_FIELDS, question_values_from_gift
from quizzes.signals import attempt_graded, essay_graded, quiz_scores_changed

SCORE_PLACES = Decimal("0.001")
FRACTION_PLACES = Decimal("0.0000001")


class GiftImportError(ActionRefused):
    def __init__(self, errors: list[GiftError]):
        self.errors = errors
        super().__init__("; ".join(str(error) for error in errors))


class AttemptError(ActionRefused):
    """The attempt cannot take this action (closed, out of attempts, not open yet…); the message is for people."""


class QuizError(ActionRefused):
    """A change to a quiz the rules refuse (a due date in the past, an answered question deleted); for the instructor."""


class InvalidSubmission(BadPayload):
    """A payload no honest form sends (unknown question or choice, wrong shape): answered with 400."""


IMPORT_OUTCOMES = ("created", "updated", "versioned", "retired", "deleted")


class ImportMode:
    """« Remplacer »: the text is the whole quiz (what it leaves out is retired). « Ajouter »: the text adds
    to the quiz (a namesake is updated or versioned, nothing is retired)."""

    REPLACE = "replace"
    ADD = "add"


@dataclass
class QuizImportReport:
    quiz: Quiz
    created: int = 0
    updated: int = 0
    versioned: int = 0
    retired: int = 0
    deleted: int = 0
    unchanged: int = 0
    questions: list = field(default_factory=list)
    # The titles behind each count, for the preview that says what an import will do before it does it.
    titles: dict = field(default_factory=lambda: {name: [] for name in IMPORT_OUTCOMES})

    def summary(self) -> str:
        return (
            f"{len(self.questions)} questions: {self.created} new, {self.updated} updated, "
            f"{self.versioned} new versions, {self.unchanged} unchanged, {self.retired} retired, {self.deleted} deleted"
        )


def quiz_ensure(*, lesson: Lesson) -> Quiz:
    quiz, _created = Quiz.objects.get_or_create(lesson=lesson)
    return quiz


EMPTY_IMPORT_MESSAGE = (
    "the file has no question: importing it would leave the quiz without any "
    "(to empty the quiz on purpose, import with --allow-empty)"
)


def gift_parse_for_import(*, text: str, allow_empty: bool = False) -> GiftParseResult:
    """Parse a GIFT text as an import reads it: a file without any graded question is an error unless allowed.

    An empty or comments-only file (a truncated upload, the wrong file) would
    otherwise retire every question of the quiz without a word.
    """
    result = parse_gift(text)
    if not result.errors and not allow_empty and not any(q.type != "description" for q in result.questions):
        result.errors.append(GiftError(1, EMPTY_IMPORT_MESSAGE))
    return result


def _questions_in_open_attempts(quiz: Quiz) -> set[int]:
    layouts = Attempt.objects.filter(quiz=quiz, status=Attempt.Status.IN_PROGRESS).values_list("layout", flat=True)
    return {question_id for layout in layouts for question_id in (layout or {}).get("questions", [])}


@transaction.atomic
def quiz_import_gift(
    *, lesson: Lesson, text: str, dry_run: bool = False, actor=None, allow_empty: bool = False, record: bool = True,
    mode: str = ImportMode.REPLACE, now=None,
) -> QuizImportReport:
    """Replace the lesson's questions with those of a GIFT text, never destroying student work.

    Any parse error imports nothing, and neither does a file without any graded
    question unless `allow_empty`. A changed question that is in use (it has
    responses, or an attempt still open shows it) is retired and replaced by a
    new version, so attempts keep the version they showed; one not in use is
    updated in place. In « replace » mode a question no longer in the file is retired if in use,
    deleted if not; in « add » mode it stays, and new questions come after the quiz's last one. Neither
    destroys a row: a retired or deleted version keeps `retired_at` and waits in the « Corbeille »
    (`question_restore`) until `questions_purge` removes the unanswered ones. A hidden question stays hidden in its new version. A change is written to the
    course's audit trail unless the caller records it in its own words (`record=False`: the studio's
    one-question edit).
    """
    if mode not in (ImportMode.REPLACE, ImportMode.ADD):
        raise ValueError(f"unknown import mode {mode!r}")
    now = now or timezone.now()
    result = gift_parse_for_import(text=text, allow_empty=allow_empty)
    if result.errors:
        raise GiftImportError(result.errors)
    quiz = quiz_ensure(lesson=lesson)
    report = QuizImportReport(quiz=quiz, questions=result.questions)
    current = {q.key: q for q in Question.objects.filter(quiz=quiz, is_active=True)}
    hidden = [key for key, question in current.items() if question.is_hidden]
    answered = set(Response.objects.filter(question__in=current.values()).values_list("question_id", flat=True).distinct())
    # An open attempt's page and saved choice ids refer to these rows: they must not change or vanish under it.
    answered |= _questions_in_open_attempts(quiz)
    last_versions = dict(
        Question.objects.filter(quiz=quiz).values("key").annotate(last=Max("version")).values_list("key", "last")
    )
    seen = set()
    next_position = max((q.position for q in current.values()), default=0) + 1
    for number, gift in enumerate(result.questions, start=1):
        values = question_values_from_gift(gift=gift, quiz_id=quiz.pk)
        key = values.pop("key")
        label = values["title"] or gift.text[:80]
        if mode == ImportMode.REPLACE:
            position = number
        elif key in current:
            position = current[key].position  # « add »: a namesake keeps its place
        else:
            position, next_position = next_position, next_position + 1
        if key in seen:
            raise GiftImportError([GiftError(gift.line, f"two questions share the title “{key}”")])
        seen.add(key)
        existing = current.pop(key, None)
        if existing is not None and existing.data.get("options"):
            # Grading options (accents, articles) are set on the question, not in GIFT, which has no
            # syntax for them: an import keeps them, and they alone never make a new version.
            values["data"]["options"] = existing.data["options"]
        if existing is None:
            Question.objects.create(quiz=quiz, key=key, position=position, version=last_versions.get(key, 0) + 1, **values)
            report.created += 1
            report.titles["created"].append(label)
            continue
        changed = [name for name in (*CONTENT_FIELDS, "title", "points") if getattr(existing, name) != values[name]]
        if not changed:
            if existing.position != position:
                existing.position = position
                existing.save(update_fields=["position"])
            report.unchanged += 1
        elif existing.pk in answered:
            existing.is_active, existing.retired_at = False, now
            existing.save(update_fields=["is_active", "retired_at"])
            Question.objects.create(quiz=quiz, key=key, position=position, version=existing.version + 1, **values)
            report.versioned += 1
            report.titles["versioned"].append(label)
        else:
            for name, value in values.items():
                setattr(existing, name, value)
            existing.position = position
            existing.save()
            report.updated += 1
            report.titles["updated"].append(label)
    for leftover in current.values() if mode == ImportMode.REPLACE else ():
        # Answered or not, the row stays (in the « Corbeille »); only the count says which it was.
        leftover.is_active, leftover.retired_at = False, now
        leftover.save(update_fields=["is_active", "retired_at"])
        outcome = "retired" if leftover.pk in answered else "deleted"
        setattr(report, outcome, getattr(report, outcome) + 1)
        report.titles[outcome].append(leftover.title or leftover.text[:80])
    if hidden:
        # A new version starts visible; what the instructor hid stays hidden.
        Question.objects.filter(quiz=quiz, is_active=True, key__in=hidden).update(is_hidden=True)
    changed_anything = report.created or report.updated or report.versioned or report.retired or report.deleted
    if changed_anything and record and not dry_run:
        audit_record(
            course_id=lesson.course_id, actor=actor, action=Action.QUIZ_IMPORT, target=lesson.title,
            changes={"created": report.created, "updated": report.updated, "versioned": report.versioned,
                     "retired": report.retired, "deleted": report.deleted},
        )
    if dry_run:
        transaction.set_rollback(True)
    return report


# --- Attempts -----------------------------------------------------------------------------------


def _attempt_layout(*, quiz: Quiz, questions: list[Question], seed: int) -> dict:
    """The order in which this attempt shows questions and choices; kept so a reload shows the same page."""
    shuffler = random.Random(seed)
    order = [q.pk for q in questions]
    if quiz.shuffle_questions:
        shuffler.shuffle(order)
    choices = {}
    for question in questions:
        if question.type in (Question.Type.MULTICHOICE, Question.Type.MULTICHOICE_MULTI):
            ids = [answer["id"] for answer in question.data["answers"]]
            if quiz.shuffle_choices:
                shuffler.shuffle(ids)
            choices[str(question.pk)] = ids
        elif question.type == Question.Type.MATCHING:
            options = sorted({answer for _stem, answer in question.data["pairs"]})
            if quiz.shuffle_choices:
                shuffler.shuffle(options)
            choices[str(question.pk)] = options
    return {"questions": order, "choices": choices}


def attempts_used(*, quiz: Quiz, user) -> int:
    return Attempt.objects.filter(quiz=quiz, user=user, is_preview=False).count()


@transaction.atomic
def attempt_start(*, quiz: Quiz, user, preview: bool = False, now=None) -> Attempt:
    """Resume the user's attempt in progress, or start a new one if the rules allow it."""
    now = now or timezone.now()
    in_progress = (
        Attempt.objects.select_for_update().filter(quiz=quiz, user=user, status=Attempt.Status.IN_PROGRESS).first()
    )
    # An attempt whose time ran out is submitted first; the rules below then decide on a new one.
    if in_progress is not None and not attempt_expire_if_overdue(attempt=in_progress, now=now):
        return in_progress
    # The student's own dates (overrides, extra time: `quizzes.dates`); a preview has the quiz's.
    dates = QuizDates.of_quiz(quiz) if preview else quiz_dates_for(quizzes=[quiz], user_id=user.pk)[quiz.pk]
    if not preview:
        if not dates.is_open(now):
            raise AttemptError(_("This quiz is not open yet."))
        if not dates.accepts_work(late_policy=quiz.late_policy, now=now):
            raise AttemptError(_("The due date has passed: this quiz no longer accepts attempts."))
        if dates.max_attempts is not None and attempts_used(quiz=quiz, user=user) >= dates.max_attempts:
            raise AttemptError(_("You have used all your attempts for this quiz."))
    questions = list(Question.objects.filter(quiz=quiz, is_active=True, is_hidden=False).order_by("position"))
    if not questions:
        raise AttemptError(_("This quiz has no questions yet."))
    number = (Attempt.objects.filter(quiz=quiz, user=user).aggregate(last=Max("number"))["last"] or 0) + 1
    deadline = None
    if dates.time_limit_minutes:
        deadline = now + timedelta(minutes=dates.time_limit_minutes)
    if dates.due_at and quiz.late_policy == Quiz.LatePolicy.REFUSE and not preview:
        deadline = min(deadline, dates.due_at) if deadline else dates.due_at
    gradable = [q for q in questions if q.gives_points]
    try:
        # A savepoint: a double click's twin request may create the same attempt first (nothing is locked yet).
        with transaction.atomic():
            attempt = Attempt.objects.create(
                quiz=quiz,
                user=user,
                number=number,
                is_preview=preview,
                started_at=now,
                deadline_at=deadline,
                layout=_attempt_layout(quiz=quiz, questions=questions, seed=random.SystemRandom().randrange(2**31)),
                max_score=sum((q.points for q in gradable), Decimal("0")),
            )
    except IntegrityError:
        # The unique constraints (one attempt in progress, one per number) let the twin win; its
        # attempt is committed by now, so both requests land on the same page.
        twin = Attempt.objects.filter(quiz=quiz, user=user, status=Attempt.Status.IN_PROGRESS).first()
        if twin is None:
            raise
        return twin
    if not preview:
        student_activity_recorded(user_id=user.pk, at=now, lesson_id=quiz.lesson_id)
    return attempt


def _validated_answers(*, attempt: Attempt, questions: dict[int, Question], answers: dict) -> dict[int, object]:
    if not isinstance(answers, dict):
        raise InvalidSubmission("answers must be an object")
    clean = {}
    for raw_id, raw_answer in answers.items():
        try:
            question_id = int(raw_id)
        except (TypeError, ValueError):
            raise InvalidSubmission(f"unknown question {raw_id!r}") from None
        question = questions.get(question_id)
        if question is None:
            raise InvalidSubmission(f"question {question_id} is not part of this attempt")
        if question.type == Question.Type.DESCRIPTION:
            continue
        if isinstance(raw_answer, list) and question.type != Question.Type.MULTICHOICE_MULTI:
            # Form posts carry every field as a list; a one-answer question takes exactly one value.
            if len(raw_answer) > 1:
                raise InvalidSubmission(f"question {question_id} takes a single answer")
            raw_answer = raw_answer[0] if raw_answer else ""
        try:
            clean[question_id] = grading.validate_response(_grading_view(question), raw_answer)
        except grading.InvalidResponse as exc:
            raise InvalidSubmission(str(exc)) from exc
    return clean


def _grading_view(question: Question) -> dict:
    return {"type": question.type, **question.data}


def _attempt_questions(attempt: Attempt) -> dict[int, Question]:
    return {q.pk: q for q in Question.objects.filter(pk__in=attempt.layout.get("questions", []))}


def _responses_upsert(*, attempt: Attempt, answers: dict[int, object], now) -> dict[int, Response]:
    existing = {r.question_id: r for r in Response.objects.filter(attempt=attempt)}
    to_update, to_create = [], []
    for question_id, answer in answers.items():
        response = existing.get(question_id)
        if response is None:
            response = Response(attempt=attempt, question_id=question_id, answer=answer, saved_at=now)
            to_create.append(response)
            existing[question_id] = response
        elif response.answer != answer:
            response.answer, response.saved_at = answer, now
            to_update.append(response)
    if to_update:
        Response.objects.bulk_update(to_update, ["answer", "saved_at"])
    if to_create:
        Response.objects.bulk_create(to_create)
    return existing


def _lock(attempt_id: int) -> Attempt:
    # The attempt's row only: without `of`, PostgreSQL also locks the joined quiz row, and a whole class
    # autosaving and submitting the same quiz queues behind that one row.
    return Attempt.objects.select_for_update(of=("self",)).select_related("quiz").get(pk=attempt_id)


@transaction.atomic
def attempt_save(*, attempt_id: int, answers: dict, now=None) -> Attempt:
    """Store the answers given so far.

    Past the time limit nothing more is stored: the attempt is submitted with
    what was saved before, and comes back submitted for the caller to say so.
    """
    now = now or timezone.now()
    attempt = _lock(attempt_id)
    if attempt.is_submitted:
        raise AttemptError(_("This attempt is already submitted."))
    if attempt_expire_if_overdue(attempt=attempt, now=now):
        return attempt
    questions = _attempt_questions(attempt)
    saved = _responses_upsert(attempt=attempt, answers=_validated_answers(attempt=attempt, questions=questions, answers=answers), now=now)
    if not attempt.is_preview and any(response.saved_at == now for response in saved.values()):
        student_activity_recorded(user_id=attempt.user_id, at=now, lesson_id=attempt.quiz.lesson_id)
    return attempt


def _quantize_fraction(value: float) -> Decimal:
    return Decimal(str(value)).quantize(FRACTION_PLACES, rounding=ROUND_HALF_UP)


def _live_keys(quiz_id: int) -> set[str]:
    """The keys of the questions the quiz has now; a question whose key is gone was dropped from the quiz."""
    return set(Question.objects.filter(quiz_id=quiz_id, is_active=True).values_list("key", flat=True))


def _counts(question: Question | None, live_keys: set[str]) -> bool:
    """Whether a question an attempt showed counts in it: the version shown, as long as the quiz still has the question."""
    return question is not None and question.gives_points and question.key in live_keys


def _grade(*, attempt: Attempt, questions: dict[int, Question], responses: dict[int, Response], live_keys: set[str]) -> None:
    """Grade the questions the attempt showed, each in the version it showed, and total the attempt over them.

    Essays wait for a person. A question dropped from the quiz since counts
    neither in the score nor in the maximum.
    """
    to_create, to_update = [], []
    total, pending, maximum = Decimal("0"), False, Decimal("0")
    for question_id in attempt.layout.get("questions", []):
        question = questions.get(question_id)
        if not _counts(question, live_keys):
            continue
        maximum += question.points
        response = responses.get(question_id)
        if response is None:
            response = Response(attempt=attempt, question=question, answer=None, saved_at=attempt.submitted_at)
            to_create.append(response)
        else:
            to_update.append(response)
        if question.is_graded_by_hand:
            if response.graded_at is None:
                pending = True
                response.fraction = response.score = None
            else:
                total += response.score or 0
            continue
        result = grading.grade_response(_grading_view(question), response.answer)
        response.fraction = _quantize_fraction(result.fraction or 0)
        response.score = (question.points * response.fraction).quantize(SCORE_PLACES, rounding=ROUND_HALF_UP)
        total += response.score
    if to_update:
        Response.objects.bulk_update(to_update, ["fraction", "score"])
    if to_create:
        Response.objects.bulk_create(to_create)
    attempt.max_score = maximum
    attempt.score = min(total, attempt.max_score)
    # A preview's essay waits for nobody: it never reaches the grading queue.
    attempt.needs_grading = pending and not attempt.is_preview


@transaction.atomic
def attempt_submit(*, attempt_id: int, answers: dict | None = None, now=None, submitted_at=None) -> Attempt:
    """Submit and grade once. A second submit of the same attempt changes nothing and returns it."""
    now = now or timezone.now()
    attempt = _lock(attempt_id)
    if attempt.is_submitted:
        return attempt
    overdue = attempt.deadline_at is not None and now > attempt.deadline_at
    questions = _attempt_questions(attempt)
    if answers and not overdue:
        _validated = _validated_answers(attempt=attempt, questions=questions, answers=answers)
        _responses_upsert(attempt=attempt, answers=_validated, now=now)
    # Past the limit the attempt counts as submitted when time ran out, with what was saved by then.
    attempt.submitted_at = submitted_at or (attempt.deadline_at if overdue else now)
    attempt.status = Attempt.Status.SUBMITTED
    quiz = attempt.quiz
    due_at = None if attempt.is_preview else quiz_dates_for(quizzes=[quiz], user_id=attempt.user_id)[quiz.pk].due_at
    attempt.is_late = bool(due_at and attempt.submitted_at > due_at)
    responses = {r.question_id: r for r in Response.objects.filter(attempt=attempt)}
    _grade(attempt=attempt, questions=questions, responses=responses, live_keys=_live_keys(quiz.pk))
    # What must commit with the grade stays here: the grade, the student's kept standing (decision 0010: no
    # page shows a standing older than a committed grade) and the LTI score's outbox row (sent by a worker).
    # The rest (review cards) follows in a worker, marked durably here: see `attempt_followups_run`.
    attempt.followups_pending = not attempt.is_preview
    attempt.save(update_fields=["status", "submitted_at", "is_late", "score", "max_score", "needs_grading", "followups_pending"])
    student_work_changed(user_ids=[attempt.user_id], lesson_id=quiz.lesson_id)
    if not attempt.is_preview:
        quiz_scores_changed.send(sender=Attempt, quiz_id=attempt.quiz_id, user_ids=[attempt.user_id])
        attempt_id = attempt.pk
        transaction.on_commit(lambda: _followups_soon(attempt_id))
    return attempt


def _followups_soon(attempt_id: int) -> None:
    """Ask a worker for the follow-ups now; with the broker down the marker waits for the sweep (every minute)."""
    from quizzes.tasks import run_attempt_followups

    task_publish_quietly(run_attempt_followups, attempt_id)


@transaction.atomic
def attempt_followups_run(*, attempt_id: int) -> bool:
    """The work that follows a committed grade (the receivers of `attempt_graded`: review cards), exactly once.

    The marker is cleared in the transaction that does the work, under the attempt's row lock: a task
    and the sweep racing for the same attempt do it once (the loser skips the locked row, then finds
    the marker cleared), and a crash before the commit leaves the marker for the next sweep.
    """
    attempt = (
        Attempt.objects.select_for_update(of=("self",), skip_locked=True)
        .select_related("quiz").filter(pk=attempt_id, followups_pending=True).first()
    )
    if attempt is None:
        return False
    attempt_graded.send(sender=Attempt, attempt=attempt)
    Attempt.objects.filter(pk=attempt.pk).update(followups_pending=False)
    return True


def attempts_followups_sweep(*, limit: int = 1000) -> int:
    """Run the follow-ups every task missed (broker down, worker killed); beat runs this every minute."""
    pending = Attempt.objects.filter(followups_pending=True).order_by("submitted_at").values_list("pk", flat=True)[:limit]
    return sum(attempt_followups_run(attempt_id=attempt_id) for attempt_id in list(pending))


def attempt_expire_if_overdue(*, attempt: Attempt, now=None) -> bool:
    """Submit an attempt whose time ran out; True when it did. The caller holds the row lock."""
    now = now or timezone.now()
    if attempt.is_submitted or attempt.deadline_at is None or now <= attempt.deadline_at:
        return False
    attempt_submit(attempt_id=attempt.pk, now=now)
    attempt.refresh_from_db()
    audit_record(
        course_id=attempt.quiz.lesson.course_id, action=Action.AUTO_SUBMIT, target=attempt.quiz.lesson.title, subject=attempt.user,
        changes={"attempt": attempt.pk, "user": attempt.user_id, "deadline": attempt.deadline_at.isoformat()},
    )
    return True


def attempts_expire_for(*, quiz: Quiz, user, now=None) -> None:
    """Submit this user's overdue attempt of the quiz, so pages never show a dead attempt as open."""
    now = now or timezone.now()
    overdue = Attempt.objects.filter(quiz=quiz, user=user, status=Attempt.Status.IN_PROGRESS, deadline_at__lt=now)
    for attempt_id in overdue.values_list("pk", flat=True):
        with transaction.atomic():
            attempt_expire_if_overdue(attempt=_lock(attempt_id), now=now)


def attempts_expire_overdue(*, now=None) -> int:
    """Submit every attempt whose time limit has passed, even if the browser was closed (run every minute)."""
    now = now or timezone.now()
    count = 0
    for attempt_id in Attempt.objects.filter(status=Attempt.Status.IN_PROGRESS, deadline_at__lt=now).values_list("pk", flat=True):
        with transaction.atomic():
            attempt = _lock(attempt_id)
            count += attempt_expire_if_overdue(attempt=attempt, now=now)
    return count


# --- Grading by people --------------------------------------------------------------------------


def _attempt_retotal(attempt: Attempt) -> None:
    live_keys = _live_keys(attempt.quiz_id)
    responses = [r for r in Response.objects.filter(attempt=attempt).select_related("question") if _counts(r.question, live_keys)]
    attempt.needs_grading = not attempt.is_preview and any(
        r.question.is_graded_by_hand and r.graded_at is None for r in responses
    )
    attempt.score = min(sum((r.score or 0 for r in responses), Decimal("0")), attempt.max_score)
    attempt.save(update_fields=["score", "needs_grading"])


@transaction.atomic
def response_grade_manually(*, response_id: int, grader, score: Decimal, comment: str = "") -> Response:
    """An instructor's grade for an essay answer; the attempt's total follows. Regrading the same value is a no-op."""
    response = Response.objects.select_for_update().select_related("question", "attempt").get(pk=response_id)
    question = response.question
    score = Decimal(score).quantize(SCORE_PLACES)
    if not (0 <= score <= question.points):
        raise AttemptError(f"score must be between 0 and {question.points}")
    if response.graded_at is not None and response.score == score and response.grader_comment == comment:
        return response
    old = response.score
    response.score = score
    response.fraction = (score / question.points).quantize(FRACTION_PLACES) if question.points else Decimal("0")
    response.grader_comment = comment
    response.graded_by = grader
    response.graded_at = timezone.now()
    response.save(update_fields=["score", "fraction", "grader_comment", "graded_by", "graded_at"])
    _attempt_retotal(response.attempt)
    quiz_scores_changed.send(sender=Attempt, quiz_id=response.attempt.quiz_id, user_ids=[response.attempt.user_id])
    student_work_changed(user_ids=[response.attempt.user_id], lesson_id=response.attempt.quiz.lesson_id)
    essay_graded.send(sender=Response, response=response)  # the student hears of it (reminders app)
    audit_record(
        course_id=response.attempt.quiz.lesson.course_id, actor=grader, action=Action.MANUAL_GRADE,
        target=response.attempt.quiz.lesson.title, subject=response.attempt.user,
        changes={"response": response.pk, "attempt": response.attempt_id, "old": str(old) if old is not None else None, "new": str(score)},
    )
    return response


@transaction.atomic
def quiz_regrade(*, quiz: Quiz, actor=None) -> int:
    """Regrade every submitted attempt against the current answer keys; returns how many scores changed."""
    attempts = list(Attempt.objects.select_for_update().filter(quiz=quiz, status=Attempt.Status.SUBMITTED))
    question_ids = {qid for attempt in attempts for qid in attempt.layout.get("questions", [])}
    questions = {q.pk: q for q in Question.objects.filter(pk__in=question_ids)}
    live_keys = _live_keys(quiz.pk)
    by_attempt: dict[int, dict[int, Response]] = {}
    for response in Response.objects.filter(attempt__in=attempts):
        by_attempt.setdefault(response.attempt_id, {})[response.question_id] = response
    changes = []
    for attempt in attempts:
        before = attempt.score
        _grade(attempt=attempt, questions=questions, responses=by_attempt.get(attempt.pk, {}), live_keys=live_keys)
        if attempt.score != before:
            changes.append({"attempt": attempt.pk, "old": str(before), "new": str(attempt.score)})
    Attempt.objects.bulk_update(attempts, ["score", "max_score", "needs_grading"])
    changed_ids = {change["attempt"] for change in changes}
    quiz_scores_changed.send(
        sender=Quiz, quiz_id=quiz.pk, user_ids=sorted({a.user_id for a in attempts if a.pk in changed_ids and not a.is_preview})
    )
    student_work_changed(user_ids=[attempt.user_id for attempt in attempts], lesson_id=quiz.lesson_id)
    if changes:
        audit_record(
            course_id=quiz.lesson.course_id, actor=actor, action=Action.REGRADE, target=quiz.lesson.title,
            changes={"changed": changes, "attempts": len(attempts)},
        )
    return len(changes)


# --- Quiz settings and questions written from the studio: each returns what changed, for the caller's audit -

# The settings every student's grade in the quiz depends on.
CLASS_WIDE_SETTINGS = {"due_at", "grading_method"}
QUIZ_SETTING_FIELDS = (
    "opens_at", "due_at", "time_limit_minutes", "max_attempts", "grading_method",
    "shuffle_questions", "shuffle_choices", "review_policy", "late_policy",
)


@transaction.atomic
def quiz_settings_update(*, quiz: Quiz, now=None, **values) -> dict[str, list]:
    """Change a quiz's settings; only changed fields are saved. Returns {field: [old, new]}."""
    unknown = set(values) - set(QUIZ_SETTING_FIELDS)
    if unknown:
        raise TypeError(f"unknown quiz settings: {sorted(unknown)}")
    now = now or timezone.now()
    changes = changes_between(quiz, values)
    if not changes:
        return {}
    opens_at, due_at = values.get("opens_at", quiz.opens_at), values.get("due_at", quiz.due_at)
    if "due_at" in changes and due_at is not None and due_at < now:
        raise QuizError(_("The due date is in the past: choose a later one."))
    if opens_at and due_at and due_at <= opens_at:
        raise QuizError(_("The due date must come after the opening date."))
    changes_apply(quiz, values)
    quiz.save(update_fields=[*changes, "updated_at"])
    if CLASS_WIDE_SETTINGS & set(changes):
        # The class's standings follow in the workers after the commit: an instructor who moves a due date at
        # 8:59 puts no class-wide refresh inside the exam minute's requests.
        course_frame_changed(course_id=quiz.lesson.course_id)
    return changes


@transaction.atomic
def question_move(*, question: Question, direction: str, seen_at: int | None = None) -> bool:
    """Swap the question with its neighbour above ("up") or below ("down"); False at either end.

    `seen_at` is the place (from 0) the page showed it at: a repeated click (a double post)
    finds it moved already and does nothing.
    """
    siblings = list(Question.objects.select_for_update().filter(quiz_id=question.quiz_id, is_active=True).order_by("position", "pk"))
    index = next(i for i, q in enumerate(siblings) if q.pk == question.pk)
    other = index - 1 if direction == "up" else index + 1
    if direction not in ("up", "down") or not 0 <= other < len(siblings) or seen_at not in (None, index):
        return False
    siblings[index], siblings[other] = siblings[other], siblings[index]
    for position, sibling in enumerate(siblings, start=1):
        sibling.position = position
    Question.objects.bulk_update(siblings, ["position"])
    return True


@transaction.atomic
def question_hide(*, question: Question, hidden: bool) -> dict[str, list]:
    """Hide a question from new attempts (or show it again); {} when it already was."""
    return changes_save(question, {"is_hidden": hidden}, allowed=("is_hidden",))


@transaction.atomic
def question_delete(*, question: Question, now=None) -> None:
    """Delete a question nobody answered: it leaves the quiz for the « Corbeille », where `question_restore`
    brings it back for TRASH_DAYS. An answered one can only be hidden (its answers stay)."""
    if Response.objects.filter(question=question).exists():
        raise QuizError(_("Students have answered this question: hide it instead, their answers stay."))
    if not question.is_active:
        return  # a double submit: already in the « Corbeille »
    question.is_active, question.retired_at = False, now or timezone.now()
    question.save(update_fields=["is_active", "retired_at"])


@transaction.atomic
def question_restore(*, question: Question) -> bool:
    """Put a question of the « Corbeille » back at the end of its quiz, as the version it was (attempts
    that showed it still match); False when its key is in the quiz already (restored twice, or re-imported)."""
    if Question.objects.select_for_update().filter(quiz_id=question.quiz_id, key=question.key, is_active=True).exists():
        return False
    last = Question.objects.filter(quiz_id=question.quiz_id, is_active=True).aggregate(last=Max("position"))["last"] or 0
    question.is_active, question.retired_at, question.position = True, None, last + 1
    question.save(update_fields=["is_active", "retired_at", "position"])
    return True


@transaction.atomic
def questions_purge(*, now=None, days: int = TRASH_DAYS) -> int:
    """Remove for good the deleted questions older than `days`: those no response and no attempt refers to.

    A retired version that an attempt showed is never purged: the attempt's review needs it.
    """
    cutoff = (now or timezone.now()) - timedelta(days=days)
    candidates = list(
        Question.objects.filter(is_active=False, retired_at__lt=cutoff).exclude(responses__isnull=False).values_list("pk", "quiz_id")
    )
    if not candidates:
        return 0
    quiz_ids = {quiz_id for _pk, quiz_id in candidates}
    layouts = Attempt.objects.filter(quiz_id__in=quiz_ids).values_list("layout", flat=True).iterator()
    shown = {question_id for layout in layouts for question_id in (layout or {}).get("questions", [])}
    doomed = [pk for pk, _quiz in candidates if pk not in shown]
    deleted, _rows = Question.objects.filter(pk__in=doomed).delete()
    return deleted


SHORT_ANSWER_OPTIONS = ("accent_insensitive", "articles_optional")


@transaction.atomic
def question_options_set(*, quiz: Quiz, key: str, options: dict) -> bool:
    """Store a short answer's grading options on its active version (GIFT cannot carry them); False when
    they already were. Set in place, like a key corrected: a regrade applies them to past attempts."""
    current = Question.objects.select_for_update().filter(quiz=quiz, key=key, is_active=True).first()
    if current is None or current.type != Question.Type.SHORTANSWER:
        return False
    wanted = {name: bool(options[name]) for name in SHORT_ANSWER_OPTIONS if name in options}
    stored = current.data.get("options") or {}
    if all(stored.get(name, True) == value for name, value in wanted.items()):
        return False
    current.data = {**current.data, "options": {**stored, **wanted}}
    current.save(update_fields=["data"])
    return True


# --- Overrides: a student's or a group's own dates (the rule that reads them: `quizzes.dates`) ----------


class OverrideError(QuizError):
    """An override the rules refuse (nothing set, a date in the past, a group nobody is in); for the instructor."""


def override_students(*, override: QuizOverride) -> list[int]:
    """The students an override is about: its student, or the students of its group in the quiz's course."""
    if override.user_id is not None:
        return [override.user_id]
    return list(
        Enrollment.objects.filter(
            course_id=override.quiz.lesson.course_id, group=override.group, role=Enrollment.Role.STUDENT
        ).values_list("user_id", flat=True)
    )


def _late_marks_follow(*, quiz: Quiz, user_ids: list[int]) -> int:
    """Mark late (or not) these students' submitted attempts against their dates as they are now; returns how
    many changed. A later due date given after a late submission takes the « late » mark (and penalty) away."""
    if not user_ids:
        return 0
    dates = quiz_dates_for_class(quizzes=[quiz], user_ids=user_ids)
    changed = []
    for attempt in Attempt.objects.filter(
        quiz=quiz, user_id__in=user_ids, status=Attempt.Status.SUBMITTED, is_preview=False
    ).only("pk", "user_id", "submitted_at", "is_late"):
        due_at = dates[(quiz.pk, attempt.user_id)].due_at
        is_late = bool(due_at and attempt.submitted_at > due_at)
        if is_late != attempt.is_late:
            attempt.is_late = is_late
            changed.append(attempt)
    Attempt.objects.bulk_update(changed, ["is_late"])
    return len(changed)


@transaction.atomic
def quiz_override_save(
    *, quiz: Quiz, user=None, group: str = "", now=None, **values
) -> tuple[QuizOverride, dict[str, list], list[int]]:
    """Give a student (or a group) their own dates for a quiz; empty fields keep the usual ones.

    Returns the row, {field: [old, new]} ({} when nothing changed) and the students it is about.
    Their late marks and kept standings follow in this transaction."""
    unknown = set(values) - set(DATE_FIELDS)
    if unknown:
        raise TypeError(f"unknown override fields: {sorted(unknown)}")
    if (user is None) == (not group):
        raise TypeError("an override is for one student or one group")
    now = now or timezone.now()
    values = {name: values.get(name) for name in DATE_FIELDS}
    if all(value is None for value in values.values()):
        raise OverrideError(_("Set at least one date, time limit or number of attempts."))
    existing = QuizOverride.objects.select_for_update().filter(
        quiz=quiz, **({"user": user} if user is not None else {"group": group})
    ).first()
    row = existing or QuizOverride(quiz=quiz, user=user, group=group)
    changes = changes_between(row, values) if existing else {k: [None, v] for k, v in values.items() if v is not None}
    if not changes:
        return row, {}, []
    opens_at = values["opens_at"] or quiz.opens_at
    due_at = values["due_at"]
    if "due_at" in changes and due_at is not None and due_at < now:
        raise OverrideError(_("The due date is in the past: choose a later one."))
    if opens_at and due_at and due_at <= opens_at:
        raise OverrideError(_("The due date must come after the opening date."))
    changes_apply(row, values)
    row.save()
    students = override_students(override=row)
    _late_marks_follow(quiz=quiz, user_ids=students)
    student_work_changed(user_ids=students, lesson_id=quiz.lesson_id)
    return row, changes, students


@transaction.atomic
def quiz_override_delete(*, override: QuizOverride) -> tuple[dict[str, list], list[int]]:
    """Remove an override: its students have the usual dates again. Returns what it held and its students."""
    quiz = override.quiz
    held = {name: [getattr(override, name), None] for name in DATE_FIELDS if getattr(override, name) is not None}
    students = override_students(override=override)
    override.delete()
    _late_marks_follow(quiz=quiz, user_ids=students)
    student_work_changed(user_ids=students, lesson_id=quiz.lesson_id)
    return held, students
