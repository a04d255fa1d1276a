"""Reads about quizzes; `attempt_access` is the one permission-checked way to open an attempt."""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Exists, OuterRef
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import get_format
from django.utils.translation import gettext as _

from courses.selectors import CourseAccess
from courses.signals import TODO_DUE_SOON, TODO_OVERDUE
from coursesite.ids import id_or_404
from lessons.models import Lesson
from lessons.selectors import visible_to_students
from quizzes import grading
from quizzes.dates import QuizDates, quiz_dates_for
from quizzes.models import TRASH_DAYS, Attempt, Question, Quiz, Response


def _number(value) -> str:
    """A number as short as it is written (2.5, 3, 0.001) with the language's decimal mark."""
    return f"{float(value):g}".replace(".", get_format("DECIMAL_SEPARATOR"))


def quiz_for_lesson(*, lesson: Lesson) -> Quiz:
    try:
        return Quiz.objects.get(lesson=lesson)
    except Quiz.DoesNotExist:
        raise Http404 from None


def attempt_access(*, access: CourseAccess, user, attempt_id: int) -> Attempt:
    """The attempt if it belongs to this course and the user may see it: its owner, or the course's staff.

    Anyone else gets 404, so attempt ids reveal nothing; so does a student's own attempt once its
    lesson is no longer visible to students.
    """
    attempts = Attempt.objects.select_related("quiz__lesson", "user").filter(pk=id_or_404(attempt_id), quiz__lesson__course=access.course)
    if not access.is_staff:
        attempts = attempts.filter(visible_to_students("quiz__lesson__"))
    attempt = attempts.first()
    if attempt is None or (attempt.user_id != user.pk and not access.is_staff):
        raise Http404
    return attempt


def user_attempts(*, quiz: Quiz, user) -> list[Attempt]:
    return list(Attempt.objects.filter(quiz=quiz, user=user).order_by("number"))


def quiz_grade_percent(*, attempts: list[Attempt], method: str):
    """The quiz grade (0–100) by the quiz's grading method, from submitted, counted, fully graded attempts.

    Attempts with an essay still to grade are left out until graded; None when no attempt counts.
    """
    counted = [
        a for a in attempts
        if a.is_submitted and not a.is_preview and not a.needs_grading and a.score is not None and a.max_score
    ]
    if not counted:
        return None
    percents = [100 * a.score / a.max_score for a in counted]
    if method == Quiz.GradingMethod.LAST:
        return max(counted, key=lambda a: a.number).percent
    if method == Quiz.GradingMethod.AVERAGE:
        return round(sum(percents) / len(percents), 1)
    return round(max(percents), 1)


def review_allowed(*, attempt: Attempt, viewer_is_staff: bool, now=None) -> bool:
    """Whether the correct answers and feedback of a submitted attempt may be shown to this viewer."""
    if viewer_is_staff:
        return True
    if not attempt.is_submitted:
        return False
    quiz = attempt.quiz
    policy = quiz.review_policy
    if policy == Quiz.ReviewPolicy.AFTER_SUBMIT:
        return True
    if policy == Quiz.ReviewPolicy.AFTER_DUE:
        # Without a due date there is nothing to wait for; the student's own due date is the one waited for.
        dates = quiz_dates_for(quizzes=[quiz], user_id=attempt.user_id)[quiz.pk]
        return dates.due_at is None or dates.is_past_due(now or timezone.now())
    return False


@dataclass
class AttemptItem:
    """One question of an attempt as shown on the take and result pages."""

    number: int | None
    question: Question
    response: Response | None
    choices: list[dict]  # the choices in the order this attempt shows them
    options: list[str]  # matching: the answers to pick from

    @property
    def answer(self):
        return self.response.answer if self.response else None

    def review(self) -> dict:
        """Feedback for the answer given and the correct answer, for a result page whose policy allows it.

        ``feedback`` holds (text, format) pairs, so the page renders each one as its author wrote it,
        with the site's typography. A short answer shows its key (the first answer worth full credit,
        or the best one); the other accepted answers (variants, partial ones) are in ``other_accepted``
        for the instructor, who checks the grading, rather than a list of eleven « correct answers ».
        """
        question, data = self.question, self.question.data
        notes = {
            "feedback": [], "correct": [], "other_accepted": [],
            "general_feedback_format": data.get("general_feedback_format", question.text_format),
        }
        if not question.gives_points:
            return notes
        answers = data.get("answers", [])
        if not question.is_graded_by_hand and self.answer not in (None, "", [], {}):
            result = grading.grade_response({"type": question.type, **data}, self.answer)
            # A feedback's format is its answer's; the texts are the matched answers' own.
            formats = {a["feedback"]: a.get("feedback_format", "moodle") for a in reversed(answers) if a.get("feedback")}
            notes["feedback"] = [(text, formats.get(text, "moodle")) for text in result.feedback if text]
        if question.type == Question.Type.TRUEFALSE:
            notes["correct"] = [_("True") if data.get("correct") else _("False")]
        elif question.type == Question.Type.MATCHING:
            notes["correct"] = [f"{stem} → {answer}" for stem, answer in data.get("pairs", []) if stem]
        elif question.type == Question.Type.NUMERICAL:
            for answer in answers:
                if answer.get("fraction", 0) >= 1 and answer.get("value") != "*":
                    # Numbers in the reader's language: « 2,5 ± 0,1 » in French.
                    if "min" in answer:
                        notes["correct"].append(f"{_number(answer['min'])} – {_number(answer['max'])}")
                    elif answer.get("tolerance"):
                        notes["correct"].append(f"{_number(answer['value'])} ± {_number(answer['tolerance'])}")
                    else:
                        notes["correct"].append(_number(answer["value"]))
        elif question.type == Question.Type.MULTICHOICE_MULTI:
            notes["correct"] = [a["text"] for a in answers if a.get("fraction", 0) > 0]
        elif question.type == Question.Type.SHORTANSWER:
            accepted = [a for a in answers if a.get("fraction", 0) > 0 and a.get("text", "").strip() != grading.CATCH_ALL]
            if accepted:
                best = max(a.get("fraction", 0) for a in accepted)
                key = next(a for a in accepted if a.get("fraction", 0) == best)  # the first of the best: the author's key
                notes["correct"] = [key["text"]]
                notes["other_accepted"] = [
                    (a["text"], round(100 * a.get("fraction", 0))) for a in accepted if a is not key
                ]
        elif answers:
            best = max(a.get("fraction", 0) for a in answers)
            notes["correct"] = [a["text"] for a in answers if a.get("fraction", 0) == best and best > 0 and a.get("text") != "*"]
        return notes

    @property
    def stems(self) -> list[tuple[str, str]]:
        """Matching: (stem id, stem text) for the stems that are real questions (not spare answers)."""
        data = self.question.data
        return [(sid, stem) for sid, (stem, _a) in zip(data.get("pair_ids", []), data.get("pairs", [])) if stem]


def attempt_items(*, attempt: Attempt) -> list[AttemptItem]:
    """The attempt's questions, choices and saved answers in the order the student saw them: two queries."""
    questions = {q.pk: q for q in Question.objects.filter(pk__in=attempt.layout.get("questions", []))}
    responses = {r.question_id: r for r in Response.objects.filter(attempt=attempt)}
    items, number = [], 0
    for question_id in attempt.layout.get("questions", []):
        question = questions.get(question_id)
        if question is None:
            continue
        order = attempt.layout.get("choices", {}).get(str(question_id))
        choices, options = [], []
        if question.type in (Question.Type.MULTICHOICE, Question.Type.MULTICHOICE_MULTI):
            by_id = {a["id"]: a for a in question.data.get("answers", [])}
            choices = [by_id[cid] for cid in (order or by_id) if cid in by_id]
        elif question.type == Question.Type.TRUEFALSE:
            choices = question.data.get("answers", [])
        elif question.type == Question.Type.MATCHING:
            options = order or sorted({a for _s, a in question.data.get("pairs", [])})
        if question.gives_points:
            number += 1
        items.append(
            AttemptItem(
                number=number if question.gives_points else None,
                question=question,
                response=responses.get(question_id),
                choices=choices,
                options=options,
            )
        )
    return items


def essay_queue(*, course) -> list[Response]:
    """Essay answers of submitted attempts waiting for a grade, oldest first."""
    return list(
        Response.objects.filter(
            attempt__quiz__lesson__course=course,
            attempt__status=Attempt.Status.SUBMITTED,
            attempt__is_preview=False,  # an instructor trying the quiz grades nobody
            question__type=Question.Type.ESSAY,
            graded_at__isnull=True,
        )
        .select_related("attempt__user", "attempt__quiz__lesson", "question")
        .order_by("attempt__submitted_at")
    )


def quiz_trash(*, quiz: Quiz, now=None) -> list[Question]:
    """The « Corbeille »: for each question key no longer in the quiz, its last version, if it left within
    TRASH_DAYS; newest first. Each carries `answered` (an attempt holds a response to it)."""
    since = (now or timezone.now()) - timedelta(days=TRASH_DAYS)
    live_keys = Question.objects.filter(quiz=quiz, is_active=True).values("key")
    rows = (
        Question.objects.filter(quiz=quiz, is_active=False, retired_at__gte=since)
        .exclude(key__in=live_keys)
        .annotate(answered=Exists(Response.objects.filter(question=OuterRef("pk"))))
        .order_by("key", "-version")
    )
    latest = {}
    for question in rows:
        latest.setdefault(question.key, question)
    trash = sorted(latest.values(), key=lambda q: q.retired_at, reverse=True)
    for question in trash:
        question.purged_after = question.retired_at + timedelta(days=TRASH_DAYS)
    return trash


def trash_question(*, quiz: Quiz, question_id) -> Question:
    """One question of the quiz's « Corbeille » (404 for anything else: an active one, another quiz's)."""
    question = next((q for q in quiz_trash(quiz=quiz) if q.pk == id_or_404(question_id)), None)
    if question is None:
        raise Http404
    return question


# --- The student's « À faire » and the lesson page's due date -------------------------------------------

# What "due this week" means on the to-do list.
TODO_HORIZON = timedelta(days=7)


def _submitted_quiz_ids(*, user_id: int, quiz_ids) -> set[int]:
    return set(
        Attempt.objects.filter(
            user_id=user_id, quiz_id__in=quiz_ids, status=Attempt.Status.SUBMITTED, is_preview=False
        ).values_list("quiz_id", flat=True)
    )


def student_quiz_todo(*, user_id: int, course_ids, now) -> list[dict]:
    """The student's quizzes not submitted yet that are overdue (late work still accepted) or due within 7 days.

    One query whatever the number of courses and quizzes (plus what `quizzes.dates` needs). Dates are the
    student's own, so every quiz of the courses not submitted is read: an override may move any of them into
    the week. A past-due quiz that refuses late work is not listed: nothing can be done about it any more.
    """
    submitted = Attempt.objects.filter(
        quiz_id=OuterRef("pk"), user_id=user_id, status=Attempt.Status.SUBMITTED, is_preview=False
    )
    quizzes = list(
        Quiz.objects.filter(visible_to_students("lesson__"), lesson__course_id__in=course_ids)
        .exclude(Exists(submitted))
        .select_related("lesson__course").defer("lesson__blocks")
    )
    if not quizzes:
        return []
    dates = quiz_dates_for(quizzes=quizzes, user_id=user_id)
    items = []
    for quiz in quizzes:
        due_at = dates[quiz.pk].due_at
        if due_at is None or due_at > now + TODO_HORIZON:
            continue
        if due_at <= now and quiz.late_policy != Quiz.LatePolicy.ACCEPT:
            continue
        items.append({
            "course_id": quiz.lesson.course_id,
            "rank": TODO_OVERDUE if due_at <= now else TODO_DUE_SOON,
            "title": quiz.lesson.title,
            "url": reverse("courses:quizzes:start", kwargs={"course": quiz.lesson.course.slug, "lesson": quiz.lesson.slug}),
            "due_at": due_at,
            "count": None,
        })
    return items


def lesson_quiz_due(*, quiz: Quiz, user, is_staff: bool, now=None) -> dict:
    """The lesson page's quiz dates for this reader (their own: overrides, extra time), whether they differ from
    the quiz's, and whether the quiz is late for them (past their due date, not submitted)."""
    now = now or timezone.now()
    quiz_own = QuizDates.of_quiz(quiz)
    dates = quiz_own if is_staff else quiz_dates_for(quizzes=[quiz], user_id=user.pk)[quiz.pk]
    due_at = dates.due_at
    overdue = (
        not is_staff and due_at is not None and due_at <= now
        and not _submitted_quiz_ids(user_id=user.pk, quiz_ids=[quiz.pk])
    )
    return {"quiz_due_at": due_at, "quiz_overdue": overdue, "quiz_dates": dates, "quiz_own_dates": dates != quiz_own}
