"""Grades map to FSRS ratings, and hand-made histories give the dates the `fsrs` package computes."""

from datetime import UTC, datetime, timedelta

import fsrs
import pytest

from review.scheduling import next_state, rating_for

START = datetime(2026, 1, 5, 14, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("fraction", "easy", "rating"),
    [
        (0.0, False, fsrs.Rating.Again),
        (0.0, True, fsrs.Rating.Again),  # "easy" cannot rescue a wrong answer
        (0.0000001, False, fsrs.Rating.Again),
        (0.5, False, fsrs.Rating.Hard),
        (0.5, True, fsrs.Rating.Hard),
        (0.9999999, False, fsrs.Rating.Good),  # three thirds, as grading.py snaps them
        (1.0, False, fsrs.Rating.Good),
        (1.0, True, fsrs.Rating.Easy),
    ],
)
def test_grade_maps_to_rating(fraction, easy, rating):
    assert rating_for(fraction=fraction, easy=easy) == rating


def history(*ratings, gap_from_due=timedelta(0)):
    """Review a new card with each rating, each time when it falls due (plus `gap_from_due`)."""
    state, at, dues = None, START, []
    for rating in ratings:
        state = next_state(current=state, rating=rating, at=at)
        dues.append(state.due - at)
        at = state.due + gap_from_due
    return state, dues


def test_a_missed_question_comes_back_the_next_day():
    _state, dues = history(fsrs.Rating.Again)
    assert dues == [timedelta(days=1)]


def test_first_ratings_space_the_card_by_one_two_and_eight_days():
    assert history(fsrs.Rating.Hard)[1] == [timedelta(days=1)]
    assert history(fsrs.Rating.Good)[1] == [timedelta(days=2)]
    assert history(fsrs.Rating.Easy)[1] == [timedelta(days=8)]


def test_remembering_pushes_the_next_date_further_each_time():
    _state, dues = history(fsrs.Rating.Again, fsrs.Rating.Good, fsrs.Rating.Good, fsrs.Rating.Good)
    days = [d.days for d in dues]
    assert days[0] == 1
    assert days == sorted(days) and len(set(days)) == len(days)


def test_forgetting_a_remembered_card_brings_it_back_within_days():
    _state, dues = history(fsrs.Rating.Good, fsrs.Rating.Good, fsrs.Rating.Again)
    assert [d.days for d in dues] == [2, 11, 2]


def test_history_matches_the_fsrs_package_step_by_step():
    scheduler = fsrs.Scheduler(learning_steps=(), relearning_steps=(), enable_fuzzing=False)
    card, at = fsrs.Card(card_id=1), START
    ratings = [fsrs.Rating.Again, fsrs.Rating.Hard, fsrs.Rating.Good, fsrs.Rating.Easy, fsrs.Rating.Again]
    state = None
    for rating in ratings:
        card, _log = scheduler.review_card(card, rating, at)
        state = next_state(current=state, rating=rating, at=at)
        assert (state.due, state.stability, state.difficulty, int(state.state)) == (card.due, card.stability, card.difficulty, int(card.state))
        at = card.due
    # Pinned: this history spaces the reviews by 1, 1, 3, 12 then 1 day (no fuzzing).
    assert state.due == START + timedelta(days=1 + 1 + 3 + 12 + 1)
