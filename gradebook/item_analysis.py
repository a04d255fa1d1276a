"""Quiz statistics, Moodle style: pure Python, no Django.

* facility index: the mean fraction of the question's points that students
  earned (0 = nobody, 1 = everybody);
* discrimination index: the correlation between the score on the question
  and the score on the rest of the test (the attempt's total minus this
  question), so a question that good students miss and weak students get
  right scores negative;
* how often each choice was picked.

A question is flagged when its discrimination is negative, or when it is so
hard (facility < 0.2) or so easy (> 0.95) that it tells students apart poorly,
and only once enough students answered it (`min_responses`): below that the
figures are shown as a too-small sample and flag nothing.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field

HARD_BELOW = 0.2
EASY_ABOVE = 0.95
HISTOGRAM_BINS = 10


@dataclass(frozen=True)
class ResponseScore:
    question_id: int
    score: float  # points earned
    fraction: float  # 0..1
    answer: object = None  # as stored: a choice id, a list of ids, text, a dict…


@dataclass(frozen=True)
class AttemptResult:
    total: float  # points earned in the attempt
    max_total: float
    responses: tuple[ResponseScore, ...]

    @property
    def percent(self) -> float:
        return 100 * self.total / self.max_total if self.max_total else 0.0


@dataclass(frozen=True)
class Choice:
    id: str
    text: str
    fraction: float


@dataclass(frozen=True)
class QuestionInfo:
    id: int
    title: str
    type: str
    choices: tuple[Choice, ...] = ()  # for the types where a student picks among choices


@dataclass
class ChoiceCount:
    choice: Choice
    count: int
    percent: float


@dataclass
class ItemStatistics:
    question: QuestionInfo
    responses: int
    facility: float | None
    discrimination: float | None  # None when every student scored the same (no spread to correlate)
    choices: list[ChoiceCount] = field(default_factory=list)
    unanswered: int = 0
    # Below this many answers the figures are shown but flag nothing: two attempts make any correlation.
    min_responses: int = 0

    @property
    def sample_too_small(self) -> bool:
        return self.responses < self.min_responses

    @property
    def flags(self) -> list[str]:
        if self.sample_too_small:
            return []
        flags = []
        if self.discrimination is not None and self.discrimination < 0:
            flags.append("negative_discrimination")
        if self.facility is not None and self.facility < HARD_BELOW:
            flags.append("too_hard")
        if self.facility is not None and self.facility > EASY_ABOVE:
            flags.append("too_easy")
        return flags


@dataclass
class QuizStatistics:
    attempts: int
    mean: float | None
    median: float | None
    histogram: list[int]  # counts per 10-point band of the attempt percent, 0–10 … 90–100
    items: list[ItemStatistics]


def correlation(xs: list[float], ys: list[float]) -> float | None:
    """Pearson's r; None when either side has no spread."""
    if len(xs) < 2:
        return None
    mean_x, mean_y = statistics.fmean(xs), statistics.fmean(ys)
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys))
    sxx = sum((x - mean_x) ** 2 for x in xs)
    syy = sum((y - mean_y) ** 2 for y in ys)
    if sxx <= 1e-12 or syy <= 1e-12:
        return None
    return sxy / math.sqrt(sxx * syy)


def histogram(percents: list[float], bins: int = HISTOGRAM_BINS) -> list[int]:
    counts = [0] * bins
    width = 100 / bins
    for percent in percents:
        # 100 % belongs to the top band, not to a band of its own.
        counts[min(bins - 1, max(0, int(percent // width)))] += 1
    return counts


def _picked(answer) -> list[str]:
    if isinstance(answer, str):
        return [answer]
    if isinstance(answer, list):
        return [a for a in answer if isinstance(a, str)]
    return []


def _is_empty(answer) -> bool:
    return answer is None or answer == "" or answer == [] or answer == {}


def item_statistics(
    question: QuestionInfo, attempts: list[AttemptResult], _by_question=None, *, min_responses: int = 0
) -> ItemStatistics:
    by_question = _by_question or [{r.question_id: r for r in attempt.responses} for attempt in attempts]
    item_scores, rest_scores, fractions, answers = [], [], [], []
    for attempt, responses in zip(attempts, by_question):
        response = responses.get(question.id)
        if response is None:
            continue  # this attempt did not show the question (another version)
        item_scores.append(response.score)
        rest_scores.append(attempt.total - response.score)
        fractions.append(response.fraction)
        answers.append(response.answer)
    counts = {choice.id: 0 for choice in question.choices}
    for answer in answers:
        for choice_id in _picked(answer):
            if choice_id in counts:
                counts[choice_id] += 1
    n = len(answers)
    return ItemStatistics(
        question=question,
        responses=n,
        facility=statistics.fmean(fractions) if fractions else None,
        discrimination=correlation(item_scores, rest_scores),
        choices=[
            ChoiceCount(choice=choice, count=counts[choice.id], percent=100 * counts[choice.id] / n if n else 0.0)
            for choice in question.choices
        ],
        unanswered=sum(1 for answer in answers if _is_empty(answer)),
        min_responses=min_responses,
    )


def quiz_statistics(questions: list[QuestionInfo], attempts: list[AttemptResult], *, min_responses: int = 0) -> QuizStatistics:
    """`min_responses`: the answers a question needs before it is flagged (the figures show in any case)."""
    percents = [attempt.percent for attempt in attempts]
    by_question = [{r.question_id: r for r in attempt.responses} for attempt in attempts]
    return QuizStatistics(
        attempts=len(attempts),
        mean=statistics.fmean(percents) if percents else None,
        median=statistics.median(percents) if percents else None,
        histogram=histogram(percents),
        items=[item_statistics(question, attempts, by_question, min_responses=min_responses) for question in questions],
    )
