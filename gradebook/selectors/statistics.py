"""Quiz statistics: score distribution and item analysis, from three queries."""

from __future__ import annotations

from collections import defaultdict

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from gradebook import item_analysis
from quizzes.models import Attempt, Question, Response



def quiz_statistics_for(*, quiz) -> item_analysis.QuizStatistics:
    """Score distribution and item analysis of a quiz: three queries.

    Each student's *first* counted attempt (submitted, not a preview, fully
    graded) is analysed: later attempts follow the feedback of the first one,
    which would make questions look easier than they are, and one attempt per
    student keeps the correlations between independent people.
    """
    first: dict[int, dict] = {}
    counted = (
        Attempt.objects.filter(
            quiz=quiz, status=Attempt.Status.SUBMITTED, is_preview=False, needs_grading=False, score__isnull=False
        )
        .values("pk", "user_id", "number", "score", "max_score")
        .order_by("user_id", "number")
    )
    for row in counted:
        first.setdefault(row["user_id"], row)
    attempts = {row["pk"]: row for row in first.values() if row["max_score"]}
    responses: dict[int, list] = defaultdict(list)
    for row in Response.objects.filter(attempt_id__in=list(attempts)).values(
        "attempt_id", "question_id", "score", "fraction", "answer"
    ):
        responses[row["attempt_id"]].append(
            item_analysis.ResponseScore(
                question_id=row["question_id"],
                score=float(row["score"] or 0),
                fraction=float(row["fraction"] or 0),
                answer=row["answer"],
            )
        )
    results = [
        item_analysis.AttemptResult(
            total=float(row["score"]), max_total=float(row["max_score"]), responses=tuple(responses.get(pk, ()))
        )
        for pk, row in attempts.items()
    ]
    shown = {r.question_id for result in results for r in result.responses}
    questions = []
    for question in Question.objects.filter(quiz=quiz).exclude(type=Question.Type.DESCRIPTION).order_by("position", "version"):
        if not (question.is_active or question.pk in shown):
            continue
        questions.append(
            item_analysis.QuestionInfo(
                id=question.pk, title=question.title or question.text[:80], type=question.type, choices=_choices(question)
            )
        )
    return item_analysis.quiz_statistics(questions, results, min_responses=settings.ITEM_ANALYSIS_MIN_ATTEMPTS)


def _choices(question: Question) -> tuple:
    data = question.data or {}
    if question.type == Question.Type.TRUEFALSE:
        correct = bool(data.get("correct"))
        return (
            item_analysis.Choice(id="true", text=str(_("True")), fraction=1.0 if correct else 0.0),
            item_analysis.Choice(id="false", text=str(_("False")), fraction=0.0 if correct else 1.0),
        )
    if question.type in (Question.Type.MULTICHOICE, Question.Type.MULTICHOICE_MULTI):
        return tuple(
            item_analysis.Choice(id=a["id"], text=a.get("text", ""), fraction=float(a.get("fraction", 0) or 0))
            for a in data.get("answers", []) if "id" in a
        )
    return ()
