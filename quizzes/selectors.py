"""Reads about quizzes; `attempt_access` is the one permission-checked way to open an attempt."""

from dataclasses import dataclass

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.selectors import CourseAccess
from coursesite.ids import id_or_404
from lessons.models import Lesson
from lessons.selectors import visible_to_students
from quizzes import grading
from quizzes.dates import QuizDates, quiz_dates_for
from quizzes.models import Attempt, Question, Quiz, Response


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
                    if "min" in answer:
                        notes["correct"].append(f"{answer['min']:g} – {answer['max']:g}")
                    elif answer.get("tolerance"):
                        notes["correct"].append(f"{answer['value']:g} ± {answer['tolerance']:g}")
                    else:
                        notes["correct"].append(f"{answer['value']:g}")
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
