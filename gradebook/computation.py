"""How a student's grade is computed: pure functions, no query, no clock.

Everything the gradebook, the CSV export and the student's progress page show
comes from `student_grade`, so the three always agree. Inputs are plain
dataclasses built by `gradebook.selectors`; percentages are Decimals.

The rules, in the order they apply:

* each lesson gives up to three items: its quiz, its discussion participation
  (when it has active prompts) and its reading;
* a quiz grade is the quiz's own (its grading method, through
  `quizzes.selectors.quiz_grade_percent`, so the gradebook shows what the quiz
  page shows), after the scheme's late penalty on late attempts; attempts with
  an essay still to grade are left out, and a quiz with only such attempts is
  "to grade" and left out of every total until graded;
* missing work counts 0 once the lesson is past due; before that it is left
  out of the "total so far" and counted 0 in the projected total;
* when the instructor turned the review credit on, the spaced review adds one
  course-wide participation item ("Reviews", `REVIEW_KEY`): the share of the
  student's review cards reviewed at least once since their quiz (none yet
  while the student has no card); it never touches a quiz item;
* an instructor's override replaces the computed value of its item (or of the
  total) until cleared;
* an instructor's manual item (a team project, an exam: `manual_item_grade`) is
  its points over its maximum; not entered yet, it is left out of the total so
  far, and once past its due date it is "to grade" (the instructor owes it);
* a category is the weighted mean of its counted items (a lesson's item weighs 1,
  a manual item its own weight), the total is the weighted mean of the categories
  that have counted items; the course's own categories (`Scheme.extra_weights`)
  weigh beside the three automatic ones.

Arithmetic is exact: every item is a percentage with two decimals at most
(a participation share is rounded to two, as shown), so category sums are
exact Decimals; the weighted mean of the category means (a mean of three
items is a repeating decimal) is one fraction of integers, rounded once,
half up, to two decimals at the end.
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass, field
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from django.utils.translation import gettext as _

from quizzes.selectors import quiz_grade_percent

HUNDRED = Decimal("100")
MAX_LETTER_LENGTH = 12
TOTAL_PLACES = Decimal("0.01")
TOTAL_KEY = "total"


class Category(StrEnum):
    QUIZ = "quiz"
    PARTICIPATION = "participation"
    READING = "reading"


class ItemState(StrEnum):
    GRADED = "graded"  # a value from the student's work
    TO_GRADE = "to_grade"  # only attempts with an essay waiting for the instructor
    MISSING = "missing"  # nothing handed in and past due: counts 0
    NOT_DUE = "not_due"  # nothing yet, not due yet: left out of the total so far
    OVERRIDDEN = "overridden"


@functools.cache
def item_key(category: str, lesson_id: int) -> str:
    """The key of one gradebook cell, also the key of its override: "quiz:12", "reading:12"…"""
    return f"{category}:{lesson_id}"


@functools.cache
def lesson_keys(lesson_id: int) -> tuple[str, str, str]:
    """The quiz, participation and reading keys of a lesson."""
    return (
        item_key(Category.QUIZ, lesson_id), item_key(Category.PARTICIPATION, lesson_id), item_key(Category.READING, lesson_id)
    )


MANUAL_PREFIX = "manual"  # "manual:<ManualItem id>": an instructor's item, graded by hand
CUSTOM_PREFIX = "custom"  # "custom:<GradeCategory id>": a category of the course's own


def manual_key(item_id: int) -> str:
    return f"{MANUAL_PREFIX}:{item_id}"


def custom_category_key(category_id: int) -> str:
    return f"{CUSTOM_PREFIX}:{category_id}"


def category_of(name: str) -> "Category | str":
    """A stored category name: one of the three automatic ones, or a course's own ("custom:<id>") as is."""
    try:
        return Category(name)
    except ValueError:
        return name


def parse_item_key(key: str) -> tuple[Category | None, int | None]:
    """(category, lesson id) of a cell key; (None, None) for the total. ValueError for anything else
    (manual items too: their category is the item's, see `manual_key`)."""
    if key == TOTAL_KEY:
        return None, None
    category, _sep, lesson = key.partition(":")
    if not lesson.isdigit():
        raise ValueError(f"unknown gradebook item {key!r}")
    return Category(category), int(lesson)


# --------------------------------------------------------------------------- scheme


@dataclass(frozen=True)
class LetterGrade:
    letter: str
    minimum: Decimal


DEFAULT_LETTER_SCALE = (
    ("A+", 90), ("A", 85), ("A-", 80), ("B+", 77), ("B", 73), ("B-", 70),
    ("C+", 65), ("C", 60), ("C-", 57), ("D+", 54), ("D", 50), ("E", 0),
)


def letter_scale_from_json(value) -> tuple[LetterGrade, ...]:
    """The scale stored on the scheme ([{"letter": "A+", "min": 90}, …]) checked and ordered.

    Raises ValueError with a message for people: minimums must be 0–100 and all
    different, letters non-empty, and the lowest minimum 0 so every total gets a letter.
    """
    if not isinstance(value, list) or not value:
        raise ValueError(_("The letter scale needs at least one letter."))
    grades = []
    for entry in value:
        try:
            letter, minimum = str(entry["letter"]).strip(), Decimal(str(entry["min"]))
        except (KeyError, TypeError, ArithmeticError) as exc:
            raise ValueError(_("Each letter needs a letter and a minimum.")) from exc
        if not letter or len(letter) > MAX_LETTER_LENGTH:
            raise ValueError(_("A letter has 1 to %(max)d characters.") % {"max": MAX_LETTER_LENGTH})
        # NaN and Infinity are Decimals too (and a NaN raises on comparison): refuse them with the range.
        if not minimum.is_finite() or not (0 <= minimum <= 100):
            raise ValueError(_("Minimums are between 0 and 100."))
        grades.append(LetterGrade(letter=letter, minimum=minimum))
    grades.sort(key=lambda g: g.minimum, reverse=True)
    minimums = [g.minimum for g in grades]
    if len(set(minimums)) != len(minimums):
        raise ValueError(_("Two letters have the same minimum."))
    if minimums[-1] != 0:
        raise ValueError(_("The lowest letter must start at 0 so that every total gets a letter."))
    return tuple(grades)


def default_letter_scale_json() -> list[dict]:
    return [{"letter": letter, "min": minimum} for letter, minimum in DEFAULT_LETTER_SCALE]


@dataclass(frozen=True)
class Scheme:
    """What counts and how much, as the instructor set it (a plain copy of `GradingScheme`)."""

    quiz_weight: Decimal = Decimal(70)
    participation_weight: Decimal = Decimal(20)
    reading_weight: Decimal = Decimal(10)
    full_participation_percent: Decimal = Decimal(100)
    replies_only_percent: Decimal = Decimal(50)
    late_penalty_percent: Decimal = Decimal(0)
    letters: tuple[LetterGrade, ...] = field(default_factory=lambda: letter_scale_from_json(default_letter_scale_json()))
    # The course's own categories that hold manual items: (("custom:3", Decimal(20)), …).
    extra_weights: tuple[tuple[str, Decimal], ...] = ()

    @property
    def categories(self) -> tuple[str, ...]:
        return (*CATEGORIES, *(key for key, _weight in self.extra_weights))

    def weight(self, category: str) -> Decimal:
        if category == Category.QUIZ:
            return self.quiz_weight
        if category == Category.PARTICIPATION:
            return self.participation_weight
        if category == Category.READING:
            return self.reading_weight
        return dict(self.extra_weights).get(category, ZERO)

    def weight_units(self, category: str) -> int:
        """The weight as an integer number of hundredths (weights are percentages with two decimals at most)."""
        return int(self.weight(category) * 100)

    def letter_for(self, total: Decimal | None) -> str:
        if total is None:
            return ""
        return next((g.letter for g in self.letters if total >= g.minimum), self.letters[-1].letter)


# --------------------------------------------------------------------------- inputs


@dataclass(frozen=True, slots=True)
class AttemptScore:
    """A submitted attempt as the grade sees it; the attribute names are `quizzes.models.Attempt`'s."""

    number: int
    score: Decimal | None
    max_score: Decimal
    is_late: bool = False
    needs_grading: bool = False
    is_submitted: bool = True
    is_preview: bool = False

    @property
    def percent(self):
        if self.score is None or not self.max_score:
            return None
        return round(100 * self.score / self.max_score, 1)


@dataclass(slots=True)
class LessonWork:
    """One student's work in one lesson, with what the lesson asks for."""

    lesson_id: int
    is_past_due: bool
    has_quiz: bool = True
    grading_method: str = "highest"
    attempts: tuple[AttemptScore, ...] = ()
    prompts_total: int = 0
    prompts_answered: int = 0
    posts: int = 0  # every post the student wrote in the lesson's discussion (replies and threads started)
    read: bool = False


@dataclass(frozen=True, slots=True)
class ReviewWork:
    """One student's review cards (in the deck) and how many were reviewed at least once since their quiz."""

    reviewed: int
    cards: int


# --------------------------------------------------------------------------- outputs


@dataclass(slots=True)
class ItemGrade:
    key: str
    category: Category | str  # one of the three, or a course's own ("custom:<id>") for a manual item
    lesson_id: int  # the manual item's id for a manual item
    state: ItemState
    value: Decimal | None  # what the gradebook shows (the override when there is one), two decimals at most
    computed: Decimal | None  # from the work alone, before any override
    late: bool = False
    to_grade: bool = False  # some attempt waits for an essay grade (even if another one already counts)
    weight: int = 1  # in its category's mean: a lesson's item 1, a manual item its own
    points: Decimal | None = None  # a manual item's points as entered (value is their percentage)

    @property
    def is_manual(self) -> bool:
        return self.key.startswith(MANUAL_PREFIX + ":")


@dataclass(slots=True)
class StudentGrade:
    items: dict[str, ItemGrade]
    category_so_far: dict[Category, Decimal | None]
    total_so_far: Decimal | None  # None: nothing counts yet
    total_projected: Decimal | None
    letter: str
    total_overridden: bool = False
    computed_total: Decimal | None = None  # before a total override

    @property
    def pending_count(self) -> int:
        return sum(1 for item in self.items.values() if item.to_grade)

    def item(self, category: str, lesson_id: int) -> ItemGrade | None:
        return self.items.get(item_key(category, lesson_id))


# --------------------------------------------------------------------------- rules

ZERO = Decimal(0)
ITEM_PLACES = Decimal("0.01")


def late_penalized(attempt: AttemptScore, penalty_percent: Decimal) -> AttemptScore:
    """The attempt with its score reduced by the late penalty, when it was late."""
    if not attempt.is_late or not penalty_percent or attempt.score is None:
        return attempt
    return dataclasses.replace(attempt, score=attempt.score * (HUNDRED - penalty_percent) / HUNDRED)


def quiz_percent(work: LessonWork, scheme: Scheme) -> tuple[Decimal | None, bool, bool]:
    """(grade, late, to_grade) of the lesson's quiz; grade None when no attempt counts yet."""
    if not work.attempts:
        return None, False, False
    attempts = [a for a in work.attempts if a.is_submitted and not a.is_preview]
    penalized = [late_penalized(a, scheme.late_penalty_percent) for a in attempts]
    grade = quiz_grade_percent(attempts=penalized, method=work.grading_method)
    late = any(a.is_late for a in attempts if not a.needs_grading)
    to_grade = any(a.needs_grading for a in attempts)
    return (Decimal(grade) if grade is not None else None), late, to_grade


def participation_percent(work: LessonWork, scheme: Scheme) -> Decimal:
    """Full credit for every prompt answered, a share of it for some, the replies-only credit for other posts.

    Answering a prompt is itself a reply, so answering some prompts never earns
    less than replying elsewhere: one prompt of four (25 %) still gets the 50 %
    of replies only. A share is rounded to two decimals, the precision every
    item is shown and added with.
    """
    if not work.posts and not work.prompts_answered:
        return ZERO
    if work.prompts_total and work.prompts_answered >= work.prompts_total:
        return scheme.full_participation_percent
    credit = ZERO
    if work.prompts_answered and work.prompts_total:
        share = scheme.full_participation_percent * work.prompts_answered / work.prompts_total
        credit = share.quantize(ITEM_PLACES, rounding=ROUND_HALF_UP)
    if work.posts:
        credit = max(credit, scheme.replies_only_percent)
    return credit


def _state(value: Decimal | None, done: bool, past_due: bool) -> tuple[ItemState, Decimal | None]:
    if done:
        return ItemState.GRADED, value
    if past_due:
        return ItemState.MISSING, ZERO
    return ItemState.NOT_DUE, None


def lesson_items(work: LessonWork, scheme: Scheme) -> list[ItemGrade]:
    """The lesson's items computed from the work alone (overrides come after)."""
    items = []
    lesson_id = work.lesson_id
    quiz_key, participation_key, reading_key = lesson_keys(lesson_id)
    if work.has_quiz:
        grade, late, to_grade = quiz_percent(work, scheme)
        if grade is None and to_grade:
            state, value = ItemState.TO_GRADE, None
        else:
            state, value = _state(grade, grade is not None, work.is_past_due)
        items.append(ItemGrade(quiz_key, Category.QUIZ, lesson_id, state, value, value, late, to_grade))
    if work.prompts_total:
        credit = participation_percent(work, scheme)
        # Any post is work handed in, even partial: it counts at its value right away.
        state, value = _state(credit, credit > 0, work.is_past_due)
        items.append(ItemGrade(participation_key, Category.PARTICIPATION, lesson_id, state, value, value))
    state, value = _state(HUNDRED, work.read, work.is_past_due)
    items.append(ItemGrade(reading_key, Category.READING, lesson_id, state, value, value))
    return items


# The course-wide review item, keyed like a lesson's item with lesson id 0, which no lesson has.
COURSE_WIDE_LESSON_ID = 0
REVIEW_KEY = item_key(Category.PARTICIPATION, COURSE_WIDE_LESSON_ID)


def review_item(work: ReviewWork) -> ItemGrade:
    """The review participation credit: the share of the cards reviewed since their quiz, rounded to two decimals.

    It counts from the first card on (0 % until a review), so each review raises it and
    none lowers it; a new quiz adds cards and the share waits for their first review.
    Without a card there is nothing to review yet: left out of the total so far.
    """
    if not work.cards:
        return ItemGrade(REVIEW_KEY, Category.PARTICIPATION, COURSE_WIDE_LESSON_ID, ItemState.NOT_DUE, None, None)
    value = (HUNDRED * work.reviewed / work.cards).quantize(ITEM_PLACES, rounding=ROUND_HALF_UP)
    return ItemGrade(REVIEW_KEY, Category.PARTICIPATION, COURSE_WIDE_LESSON_ID, ItemState.GRADED, value, value)


@dataclass(frozen=True, slots=True)
class ManualWork:
    """One manual item as the grade sees it, with the student's points (None: not entered)."""

    item_id: int
    category: str
    weight: int
    max_points: Decimal
    is_past_due: bool
    points: Decimal | None = None


def manual_item_grade(work: ManualWork) -> ItemGrade:
    """Points over the maximum, as a percentage with two decimals; not entered: left out of the total so far,
    and "to grade" once past due (the instructor owes it, the student does not lose it meanwhile)."""
    key = manual_key(work.item_id)
    category = category_of(work.category)
    if work.points is None:
        state = ItemState.TO_GRADE if work.is_past_due else ItemState.NOT_DUE
        return ItemGrade(key, category, work.item_id, state, None, None, False, work.is_past_due, work.weight)
    value = (HUNDRED * work.points / work.max_points).quantize(ITEM_PLACES, rounding=ROUND_HALF_UP)
    return ItemGrade(key, category, work.item_id, ItemState.GRADED, value, value, False, False, work.weight, work.points)


CATEGORIES = tuple(Category)


def _cents(value: Decimal) -> int:
    return int(value * 100)


def _half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half up, in integers (exact at any size)."""
    quotient, remainder = divmod(numerator, denominator)
    return quotient + (2 * remainder >= denominator)


def _weighted(scheme: Scheme, sums: dict, counts: dict) -> tuple[Decimal | None, dict]:
    """The weighted mean of the category means in cents, exactly: (total, {category: mean}).

    Category sums are whole cents (items have two decimals at most), so the
    weighted mean of the means is one fraction of integers, rounded once.
    Categories with nothing counted are left out and the others' weights
    rescaled, so an early total is not dragged down by work nobody could
    have done yet.
    """
    means, counted = {}, []
    for category in scheme.categories:
        count = counts[category]
        if not count:
            means[category] = None
            continue
        cents = _cents(sums[category])
        means[category] = Decimal(_half_up(cents, count)).scaleb(-2)
        counted.append((scheme.weight_units(category), cents, count))
    weights = sum(weight for weight, _cents_sum, _count in counted)
    if not counted or not weights:
        return None, means
    # total = Σ w·S/n ÷ Σw with S in cents: bring the means to one denominator, the product of the counts.
    denominator = 1
    for _weight, _cents_sum, count in counted:
        denominator *= count
    numerator = sum(weight * cents_sum * (denominator // count) for weight, cents_sum, count in counted)
    return Decimal(_half_up(numerator, denominator * weights)).scaleb(-2), means


def _totals(scheme: Scheme, items) -> tuple[Decimal | None, Decimal | None, dict]:
    """(total so far, projected total, category means so far) in one pass over the items."""
    categories = scheme.categories
    so_far_sums, so_far_counts = dict.fromkeys(categories, ZERO), dict.fromkeys(categories, 0)
    projected_sums, projected_counts = dict.fromkeys(categories, ZERO), dict.fromkeys(categories, 0)
    for item in items:
        state = item.state
        if state is ItemState.TO_GRADE:
            continue  # left out of both until graded
        category = item.category
        if category not in so_far_counts:
            continue  # a category the scheme does not weigh (none in practice: the frame builds both)
        weight = item.weight
        projected_counts[category] += weight
        if state is ItemState.NOT_DUE:
            continue  # counts 0 in the projected total, nothing in the total so far
        # Item values have two decimals at most and weights are integers, so these Decimal sums are exact.
        value = item.value * weight if weight != 1 else item.value
        projected_sums[category] += value
        so_far_sums[category] += value
        so_far_counts[category] += weight
    so_far, means = _weighted(scheme, so_far_sums, so_far_counts)
    projected, _means = _weighted(scheme, projected_sums, projected_counts)
    return so_far, projected, means


def student_grade(
    *, scheme: Scheme, lessons: list[LessonWork], overrides: dict[str, Decimal] | None = None, review: ReviewWork | None = None,
    manual: Iterable[ManualWork] = (),
) -> StudentGrade:
    """Every item of one student, the total so far, the projected total and the letter.

    `review` is None when the review credit is off: then the reviews change nothing.
    """
    items = [item for work in lessons for item in lesson_items(work, scheme)]
    if review is not None:
        items.append(review_item(review))
    items.extend(manual_item_grade(work) for work in manual)
    return grade_from_items(scheme=scheme, items=items, overrides=overrides)


def grade_from_items(*, scheme: Scheme, items: Iterable[ItemGrade], overrides: dict[str, Decimal] | None = None) -> StudentGrade:
    """The grade from items already computed by `lesson_items` (which callers may share between students)."""
    by_key: dict[str, ItemGrade] = {item.key: item for item in items}
    for key, value in (overrides or {}).items():
        item = by_key.get(key)
        if item is not None:
            # A copy: items without work are shared between students.
            by_key[key] = dataclasses.replace(
                item, state=ItemState.OVERRIDDEN, value=Decimal(value).quantize(ITEM_PLACES, rounding=ROUND_HALF_UP)
            )
    total_so_far, total_projected, means = _totals(scheme, by_key.values())
    computed_total = total_so_far
    overridden = bool(overrides) and TOTAL_KEY in overrides
    if overridden:
        total_so_far = total_projected = Decimal(overrides[TOTAL_KEY]).quantize(TOTAL_PLACES, rounding=ROUND_HALF_UP)
    return StudentGrade(
        items=by_key,
        category_so_far=means,
        total_so_far=total_so_far,
        total_projected=total_projected,
        letter=scheme.letter_for(total_so_far),
        total_overridden=overridden,
        computed_total=computed_total,
    )
