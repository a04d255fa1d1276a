"""The grade computation on hand-made inputs, with totals computed by hand in the comments."""

from decimal import Decimal as D

import pytest

from gradebook.computation import (
    AttemptScore,
    ItemState,
    LessonWork,
    Scheme,
    letter_scale_from_json,
    student_grade,
)

PENALTY_10 = Scheme(late_penalty_percent=D(10))


def work(lesson_id, *, due_passed, attempts=(), prompts=3, answered=0, posts=0, read=False, method="highest"):
    return LessonWork(
        lesson_id=lesson_id, is_past_due=due_passed, attempts=tuple(attempts), grading_method=method,
        prompts_total=prompts, prompts_answered=answered, posts=posts, read=read,
    )


def three_lessons():
    """Lesson 1 past due and complete, lesson 2 past due with a pending essay, lesson 3 not due yet."""
    return [
        # Quiz: 6/10 on time, 9/10 late (-10 % = 8.1): highest = 81.0. Every prompt answered: 100. Read: 100.
        work(1, due_passed=True, attempts=[AttemptScore(1, D(6), D(10)), AttemptScore(2, D(9), D(10), is_late=True)],
             answered=3, posts=3, read=True),
        # Quiz: only an attempt whose essay waits: "to grade", out of both totals.
        # One prompt of three (33.33) but replies earn at least 50. Not read and past due: 0.
        work(2, due_passed=True, attempts=[AttemptScore(1, D(7), D(10), needs_grading=True)], answered=1, posts=2),
        # Quiz done early: 70.0 counts. Nothing else yet: left out of the total so far, 0 in the projection.
        work(3, due_passed=False, attempts=[AttemptScore(1, D(7), D(10))]),
    ]


def test_weights_late_penalty_and_pending_essay_give_the_hand_computed_totals():
    grade = student_grade(scheme=PENALTY_10, lessons=three_lessons())

    assert grade.item("quiz", 1).value == D("81.0")
    assert grade.item("quiz", 1).late
    assert grade.item("quiz", 2).state == ItemState.TO_GRADE and grade.item("quiz", 2).value is None
    assert grade.item("participation", 2).value == D(50)
    assert grade.item("reading", 2).state == ItemState.MISSING and grade.item("reading", 2).value == 0
    assert grade.item("reading", 3).state == ItemState.NOT_DUE
    # So far: quizzes (81 + 70) / 2 = 75.5; participation (100 + 50) / 2 = 75; reading (100 + 0) / 2 = 50
    # 0.7 × 75.5 + 0.2 × 75 + 0.1 × 50 = 52.85 + 15 + 5 = 72.85
    assert grade.category_so_far == {"quiz": D("75.50"), "participation": D("75.00"), "reading": D("50.00")}
    assert grade.total_so_far == D("72.85")
    assert grade.letter == "B-"
    # Projected: quizzes 75.5 (the essay still out); participation (100 + 50 + 0) / 3 = 50;
    # reading (100 + 0 + 0) / 3 = 33.33…: 52.85 + 10 + 3.333… = 66.18
    assert grade.total_projected == D("66.18")
    assert grade.pending_count == 1


def test_an_override_replaces_its_cell_until_cleared():
    grade = student_grade(scheme=PENALTY_10, lessons=three_lessons(), overrides={"participation:2": D(80)})

    item = grade.item("participation", 2)
    assert item.state == ItemState.OVERRIDDEN and item.value == D(80) and item.computed == D(50)
    # Participation so far (100 + 80) / 2 = 90: 52.85 + 18 + 5 = 75.85
    assert grade.total_so_far == D("75.85")
    assert grade.letter == "B"
    # Projected participation (100 + 80 + 0) / 3 = 60: 52.85 + 12 + 3.333… = 68.18
    assert grade.total_projected == D("68.18")


def test_an_override_of_a_cell_not_due_yet_counts_right_away():
    grade = student_grade(scheme=PENALTY_10, lessons=three_lessons(), overrides={"reading:3": D(100)})

    # Reading so far (100 + 0 + 100) / 3 = 66.66…: 52.85 + 15 + 6.666… = 74.52 (74.516…)
    assert grade.total_so_far == D("74.52")


def test_a_total_override_wins_over_the_computed_total_and_sets_the_letter():
    grade = student_grade(scheme=PENALTY_10, lessons=three_lessons(), overrides={"total": D("88.5")})

    assert grade.total_so_far == grade.total_projected == D("88.50")
    assert grade.computed_total == D("72.85")
    assert grade.total_overridden and grade.letter == "A"


def test_without_late_penalty_the_late_attempt_counts_in_full():
    grade = student_grade(scheme=Scheme(), lessons=three_lessons())

    assert grade.item("quiz", 1).value == D("90.0")
    # Quizzes (90 + 70) / 2 = 80: 56 + 15 + 5 = 76
    assert grade.total_so_far == D("76.00")


def test_the_penalty_applies_before_the_grading_method():
    # Last attempt: 10/10 late with 25 % off = 75.0, although the first one (80.0) was higher.
    attempts = [AttemptScore(1, D(8), D(10)), AttemptScore(2, D(10), D(10), is_late=True)]
    lesson = work(1, due_passed=True, attempts=attempts, prompts=0, read=True, method="last")

    grade = student_grade(scheme=Scheme(late_penalty_percent=D(25)), lessons=[lesson])

    assert grade.item("quiz", 1).value == D("75.0")
    # No participation item (no prompt): weights 70 and 10 rescaled: (0.7 × 75 + 0.1 × 100) / 0.8 = 78.125
    assert grade.total_so_far == D("78.13")


def test_average_method_and_a_graded_essay_attempt():
    attempts = [AttemptScore(1, D(5), D(10)), AttemptScore(2, D(8), D(10)), AttemptScore(3, D(9), D(10), needs_grading=True)]
    lesson = work(1, due_passed=True, attempts=attempts, prompts=0, method="average")

    grade = student_grade(scheme=Scheme(), lessons=[lesson])

    # The attempt still to grade is left out: (50 + 80) / 2 = 65.0, and the cell says an essay waits.
    item = grade.item("quiz", 1)
    assert item.value == D("65.0") and item.to_grade and item.state == ItemState.GRADED


@pytest.mark.parametrize(
    "answered, posts, expected",
    [(3, 3, D(100)), (2, 2, D("66.67")), (1, 1, D(50)), (0, 2, D(50)), (0, 0, D(0))],
    ids=["every prompt", "two of three", "one of three, at least the replies credit", "replies only", "nothing"],
)
def test_participation_rule(answered, posts, expected):
    grade = student_grade(scheme=Scheme(), lessons=[work(1, due_passed=True, answered=answered, posts=posts)])

    assert grade.item("participation", 1).value == expected


def test_participation_credits_follow_the_scheme():
    scheme = Scheme(full_participation_percent=D(90), replies_only_percent=D(30))
    lessons = [work(1, due_passed=True, answered=3, posts=3), work(2, due_passed=True, answered=0, posts=1)]

    grade = student_grade(scheme=scheme, lessons=lessons)

    assert grade.item("participation", 1).value == D(90)
    assert grade.item("participation", 2).value == D(30)


def test_missing_work_counts_zero_only_once_past_due():
    before = student_grade(scheme=Scheme(), lessons=[work(1, due_passed=False, read=True)])
    after = student_grade(scheme=Scheme(), lessons=[work(1, due_passed=True, read=True)])

    # Before the due date only the reading counts: 100. After, the quiz and participation count 0.
    assert before.total_so_far == D("100.00")
    assert after.total_so_far == D("10.00")
    assert before.total_projected == after.total_projected == D("10.00")


def test_nothing_counted_yet_has_no_total_and_no_letter():
    grade = student_grade(scheme=Scheme(), lessons=[work(1, due_passed=False)])

    assert grade.total_so_far is None and grade.letter == ""
    assert grade.total_projected == D("0.00")


def test_totals_round_half_up_once_at_the_end():
    # Four quizzes only (no prompt, not due, not read): (70.1 + 70 + 70 + 70) / 4 = 70.025 → 70.03.
    scores = [D("7.01"), D(7), D(7), D(7)]
    lessons = [work(n, due_passed=False, prompts=0, attempts=[AttemptScore(1, s, D(10))]) for n, s in enumerate(scores)]

    grade = student_grade(scheme=Scheme(), lessons=lessons)

    assert grade.total_so_far == D("70.03")


@pytest.mark.parametrize(
    "total, letter",
    [(D(100), "A+"), (D(90), "A+"), (D("89.99"), "A"), (D(85), "A"), (D(80), "A-"), (D(77), "B+"), (D(73), "B"),
     (D(70), "B-"), (D(65), "C+"), (D(60), "C"), (D(57), "C-"), (D(54), "D+"), (D(50), "D"), (D("49.99"), "E"), (D(0), "E")],
)
def test_default_letter_scale_is_the_quebec_university_one(total, letter):
    assert Scheme().letter_for(total) == letter


def test_letter_scale_must_reach_zero_and_have_distinct_minimums():
    # The messages are for instructors, in the interface's language (French by default).
    with pytest.raises(ValueError, match="lettre la plus basse"):
        letter_scale_from_json([{"letter": "R", "min": 50}, {"letter": "E", "min": 10}])
    with pytest.raises(ValueError, match="même minimum"):
        letter_scale_from_json([{"letter": "R", "min": 50}, {"letter": "S", "min": 50}, {"letter": "E", "min": 0}])
    scale = letter_scale_from_json([{"letter": "E", "min": 0}, {"letter": "R", "min": 60}])
    assert [g.letter for g in scale] == ["R", "E"]


def test_without_the_review_credit_the_grade_is_the_same_as_before():
    from gradebook.computation import REVIEW_KEY

    off = student_grade(scheme=PENALTY_10, lessons=three_lessons(), review=None)
    assert off == student_grade(scheme=PENALTY_10, lessons=three_lessons())
    assert REVIEW_KEY not in off.items


def test_the_review_credit_is_a_participation_item_the_share_of_cards_reviewed():
    from gradebook.computation import REVIEW_KEY, Category, ReviewWork

    # Participation so far: lesson 1 100, lesson 2 50, reviews 2 of 3 cards = 66.67 -> mean 72.22.
    grade = student_grade(scheme=PENALTY_10, lessons=three_lessons(), review=ReviewWork(reviewed=2, cards=3))
    item = grade.items[REVIEW_KEY]
    assert (item.category, item.state, item.value) == (Category.PARTICIPATION, ItemState.GRADED, D("66.67"))
    assert grade.category_so_far[Category.PARTICIPATION] == D("72.22")
    # Quiz items are untouched by reviews.
    without = student_grade(scheme=PENALTY_10, lessons=three_lessons())
    assert {k: v for k, v in grade.items.items() if k.startswith("quiz:")} == {
        k: v for k, v in without.items.items() if k.startswith("quiz:")
    }
    # No review yet: 0 counts (the credit is earned by reviewing); no card: nothing to count.
    none_yet = student_grade(scheme=PENALTY_10, lessons=three_lessons(), review=ReviewWork(reviewed=0, cards=3))
    assert none_yet.items[REVIEW_KEY].value == D("0.00")
    assert none_yet.total_so_far < grade.total_so_far
    assert none_yet.total_so_far < without.total_so_far
    no_card = student_grade(scheme=PENALTY_10, lessons=three_lessons(), review=ReviewWork(reviewed=0, cards=0))
    assert no_card.items[REVIEW_KEY].state == ItemState.NOT_DUE
    assert no_card.total_so_far == without.total_so_far
