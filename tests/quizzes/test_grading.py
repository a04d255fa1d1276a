"""Grading one response with Moodle's partial-credit rules: pure functions, no database."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizzes.grading import (
    MAX_TEXT_LENGTH,
    GradeResult,
    InvalidResponse,
    grade_response,
    normalize_text,
    parse_decimal,
    validate_response,
)


def choice(choice_id, fraction, text="", feedback=""):
    return {"id": choice_id, "text": text or choice_id, "fraction": fraction, "feedback": feedback}


CAPITAL = {
    "type": "multichoice",
    "answers": [
        choice("quebec", 1.0, "Québec", "Oui."),
        choice("montreal", 0.5, "Montréal", "Presque : la métropole."),
        choice("gatineau", -1.0, "Gatineau", "Non."),
    ],
}
COLOURS = {
    "type": "multichoice_multi",
    "answers": [
        choice("red", 0.5, feedback="Oui, rouge."),
        choice("blue", 0.5, feedback="Oui, bleu."),
        choice("green", -1.0, feedback="Non, le vert est secondaire."),
        choice("black", -0.5),
    ],
}
TRUE_STATEMENT = {
    "type": "truefalse",
    "correct": True,
    "answers": [
        {"id": "true", "text": "true", "fraction": 1.0, "feedback": "Exact."},
        {"id": "false", "text": "false", "fraction": 0.0, "feedback": "Non, il coule vers l’est."},
    ],
}
FALSE_STATEMENT = {
    "type": "truefalse",
    "correct": False,
    "answers": [
        {"id": "true", "text": "true", "fraction": 0.0, "feedback": "Non."},
        {"id": "false", "text": "false", "fraction": 1.0, "feedback": "Exact, c’est faux."},
    ],
}
SCARCITY = {
    "type": "shortanswer",
    "answers": [
        choice("a1", 1.0, "rareté", "Oui."),
        choice("a2", 0.5, "manque", "Presque."),
        choice("a3", 0.0, "*", "Non : relisez la section 3."),
    ],
}
PI = {
    "type": "numerical",
    "answers": [
        {"id": "n1", "value": 3.14, "tolerance": 0.01, "fraction": 1.0, "feedback": "Oui."},
        {"id": "n2", "value": 3.0, "tolerance": 0.0, "fraction": 0.5, "feedback": "Arrondi grossier."},
    ],
}
RANGE = {
    "type": "numerical",
    "answers": [{"id": "r1", "min": 10.0, "max": 20.0, "fraction": 1.0, "feedback": "Dans l’intervalle."}],
}
PAIRS = {
    "type": "matching",
    "pairs": [["Paid", "Acheté"], ["Earned", "Mérité"], ["Owned", "Possédé"], ["", "Emprunté"]],
    "pair_ids": ["s-paid", "s-earned", "s-owned", "s-spare"],
    "answers": [],
}
ESSAY = {"type": "essay", "answers": []}
DESCRIPTION = {"type": "description", "answers": []}


def grade(question, response):
    """Grade the way the platform does: what is stored is what validation returned."""
    return grade_response(question, validate_response(question, response))


# --------------------------------------------------------------------------- single choice


def test_single_choice_earns_the_chosen_answers_fraction():
    assert grade(CAPITAL, "quebec") == GradeResult(fraction=1.0, feedback=["Oui."], matched_ids=("quebec",))
    assert grade(CAPITAL, "montreal").fraction == 0.5


def test_single_choice_with_negative_weight_scores_zero_but_keeps_its_feedback():
    result = grade(CAPITAL, "gatineau")
    assert result.fraction == 0.0
    assert result.feedback == ["Non."]
    assert result.matched_ids == ("gatineau",)


# --------------------------------------------------------------------------- multiple answers


def test_multiple_answer_adds_the_weights_of_the_selected_choices():
    assert grade(COLOURS, ["red"]).fraction == 0.5
    assert grade(COLOURS, ["red", "blue"]).fraction == 1.0


def test_multiple_answer_wrong_choice_subtracts_from_the_right_ones():
    assert grade(COLOURS, ["red", "blue", "black"]).fraction == 0.5


def test_multiple_answer_score_never_goes_below_zero():
    assert grade(COLOURS, ["green", "black"]).fraction == 0.0
    assert grade(COLOURS, ["red", "green"]).fraction == 0.0


def test_multiple_answer_ticking_every_box_does_not_earn_full_credit():
    assert grade(COLOURS, ["red", "blue", "green", "black"]).fraction == 0.0


def test_multiple_answer_score_never_goes_above_one():
    generous = {"type": "multichoice_multi", "answers": [choice("a", 0.75), choice("b", 0.75)]}
    assert grade(generous, ["a", "b"]).fraction == 1.0


def test_multiple_answer_thirds_add_up_to_full_credit():
    thirds = {"type": "multichoice_multi", "answers": [choice(c, 0.3333333) for c in "abc"] + [choice("d", -1.0)]}
    assert grade(thirds, ["a", "b", "c"]).fraction == 1.0
    assert grade(thirds, ["a", "b"]).fraction == 0.6666666


def test_fractions_are_rounded_to_seven_decimals():
    tenths = {"type": "multichoice_multi", "answers": [choice("a", 0.1), choice("b", 0.2)]}
    assert grade(tenths, ["a", "b"]).fraction == 0.3  # not 0.30000000000000004


def test_multiple_answer_feedback_and_ids_follow_the_question_order():
    result = grade(COLOURS, ["green", "red"])
    assert result.feedback == ["Oui, rouge.", "Non, le vert est secondaire."]
    assert result.matched_ids == ("red", "green")


def test_multiple_answer_is_stored_in_the_question_order():
    assert validate_response(COLOURS, ["black", "red"]) == ["red", "black"]


def test_choices_without_feedback_add_no_empty_feedback():
    assert grade(COLOURS, ["black"]).feedback == []


# --------------------------------------------------------------------------- true / false


def test_true_false_gives_full_credit_for_the_right_value_only():
    assert grade(TRUE_STATEMENT, "true") == GradeResult(fraction=1.0, feedback=["Exact."], matched_ids=("true",))
    assert grade(TRUE_STATEMENT, "false").fraction == 0.0
    assert grade(FALSE_STATEMENT, "false").fraction == 1.0
    assert grade(FALSE_STATEMENT, "true").fraction == 0.0


def test_true_false_shows_the_feedback_of_the_chosen_value():
    assert grade(TRUE_STATEMENT, "false").feedback == ["Non, il coule vers l’est."]


# --------------------------------------------------------------------------- short answer


def test_short_answer_is_case_insensitive():
    assert grade(SCARCITY, "RARETÉ").fraction == 1.0


def test_short_answer_ignores_accents_when_allowed():
    # Allowed by default: students often type French on an English keyboard.
    result = grade(SCARCITY, "rarete")
    assert result.fraction == 1.0
    assert result.matched_ids == ("a1",)


def test_short_answer_respects_accents_when_required():
    strict = {**SCARCITY, "options": {"accent_insensitive": False}}
    assert grade(strict, "Rareté").fraction == 1.0
    result = grade(strict, "rarete")
    assert result.fraction == 0.0
    assert result.matched_ids == ("a3",)  # fell through to the catch-all


def test_short_answer_treats_a_decomposed_accent_like_a_precomposed_one():
    strict = {**SCARCITY, "options": {"accent_insensitive": False}}
    assert grade(strict, "rarete\u0301").fraction == 1.0


def test_short_answer_ignores_surrounding_and_repeated_whitespace():
    two_words = {"type": "shortanswer", "answers": [choice("a", 1.0, "le prix")]}
    assert grade(two_words, "  Le \u00a0  PRIX\n").fraction == 1.0


def test_short_answer_typed_as_a_sentence_or_in_quotes_is_still_the_answer():
    two_words = {"type": "shortanswer", "answers": [choice("a", 1.0, "le prix")]}
    for typed in ("Le prix.", "le prix !", "« le prix »", '"Le prix"', "le prix…"):
        assert grade(two_words, typed).fraction == 1.0, typed
    # Only the wrapping goes: punctuation inside the answer still counts.
    assert grade(two_words, "le, prix").fraction == 0.0


def test_short_answer_accepts_oe_typed_for_the_ligature_when_accents_are_ignored():
    heart = {"type": "shortanswer", "answers": [choice("a", 1.0, "Cœur de cible")]}
    assert grade(heart, "coeur de cible").fraction == 1.0


def test_short_answer_gives_partial_credit_for_a_partial_answer():
    assert grade(SCARCITY, "Manque") == GradeResult(fraction=0.5, feedback=["Presque."], matched_ids=("a2",))


def test_short_answer_best_matching_answer_wins():
    # Two answers that differ only by accents are the same answer once accents are ignored.
    question = {"type": "shortanswer", "answers": [choice("low", 0.5, "prets"), choice("high", 1.0, "prêts")]}
    assert grade(question, "prets").matched_ids == ("high",)


def test_short_answer_catch_all_takes_any_other_answer_with_its_feedback():
    assert grade(SCARCITY, "réciprocité") == GradeResult(
        fraction=0.0, feedback=["Non : relisez la section 3."], matched_ids=("a3",)
    )


def test_short_answer_catch_all_never_overrides_a_written_answer():
    question = {"type": "shortanswer", "answers": [choice("low", 0.2, "offre"), choice("any", 0.5, "*")]}
    assert grade(question, "offre").fraction == 0.2
    assert grade(question, "demande").fraction == 0.5


def test_short_answer_without_a_match_scores_zero():
    question = {"type": "shortanswer", "answers": [choice("a", 1.0, "prix")]}
    assert grade(question, "qualité") == GradeResult(fraction=0.0, feedback=[], matched_ids=())


def test_short_answer_answer_is_stored_as_typed():
    assert validate_response(SCARCITY, "  Rareté ") == "  Rareté "


# --------------------------------------------------------------------------- numerical


def test_numerical_accepts_french_decimal_comma():
    assert grade(PI, "3,14").fraction == 1.0
    assert grade(PI, " 3.14 ").fraction == 1.0


@pytest.mark.parametrize("space", [" ", "\u00a0", "\u202f"], ids=["space", "nbsp", "narrow-nbsp"])
def test_numerical_accepts_spaces_between_thousands(space):
    revenue = {"type": "numerical", "answers": [{"id": "v", "value": 1822.0, "tolerance": 0.0, "fraction": 1.0, "feedback": ""}]}
    assert grade(revenue, f"1{space}822").fraction == 1.0


@pytest.mark.parametrize("typed", ["3.15", "3,13", "3.150"])
def test_numerical_tolerance_boundary_is_inclusive(typed):
    assert grade(PI, typed).fraction == 1.0


@pytest.mark.parametrize("typed", ["3.1501", "3.1299"])
def test_numerical_just_outside_the_tolerance_earns_nothing(typed):
    assert grade(PI, typed).fraction == 0.0


def test_numerical_tolerance_holds_for_large_amounts():
    budget = {"type": "numerical", "answers": [{"id": "b", "value": 1822000000.15, "tolerance": 0.01, "fraction": 1.0, "feedback": ""}]}
    assert grade(budget, "1 822 000 000,16").fraction == 1.0
    assert grade(budget, "1 822 000 000,17").fraction == 0.0


def test_numerical_without_tolerance_needs_the_exact_value():
    assert grade(PI, "3").fraction == 0.5
    assert grade(PI, "3.001").fraction == 0.0


@pytest.mark.parametrize("typed", ["10", "15,5", "20"])
def test_numerical_range_includes_its_bounds(typed):
    assert grade(RANGE, typed) == GradeResult(fraction=1.0, feedback=["Dans l’intervalle."], matched_ids=("r1",))


@pytest.mark.parametrize("typed", ["9,99", "20.01", "-15"])
def test_numerical_outside_the_range_earns_nothing(typed):
    assert grade(RANGE, typed).fraction == 0.0


def test_numerical_highest_fraction_among_matching_answers_wins():
    question = {
        "type": "numerical",
        "answers": [
            {"id": "close", "value": 100.0, "tolerance": 10.0, "fraction": 0.5, "feedback": "Proche."},
            {"id": "exact", "value": 100.0, "tolerance": 1.0, "fraction": 1.0, "feedback": "Exact."},
        ],
    }
    assert grade(question, "100,5").matched_ids == ("exact",)
    assert grade(question, "105").matched_ids == ("close",)


def test_numerical_catch_all_takes_any_other_number():
    question = {**PI, "answers": PI["answers"] + [{"id": "any", "value": "*", "fraction": 0.0, "feedback": "Revoyez π."}]}
    assert grade(question, "42") == GradeResult(fraction=0.0, feedback=["Revoyez π."], matched_ids=("any",))
    assert grade(question, "3,14").matched_ids == ("n1",)


def test_numerical_text_that_is_no_number_is_a_wrong_answer_not_a_tampered_one():
    question = {**PI, "answers": PI["answers"] + [{"id": "any", "value": "*", "fraction": 0.0, "feedback": "Revoyez π."}]}
    assert validate_response(question, "trois virgule quatorze") == "trois virgule quatorze"
    assert grade(question, "trois virgule quatorze") == GradeResult(fraction=0.0, feedback=[], matched_ids=())


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("3,14", 3.14), ("3.14", 3.14), (" 3.14 ", 3.14), ("-0,5", -0.5), ("+2", 2.0), ("-2", -2.0),
        ("1 822", 1822.0), ("1\u00a0822,5", 1822.5), ("12\u202f345\u202f678", 12345678.0), (",5", 0.5),
        ("1e3", 1000.0), ("2,5E-1", 0.25), ("\u22123", -3.0), ("007", 7.0),
    ],
)
def test_parse_decimal_reads_french_and_english_numbers(typed, number):
    assert parse_decimal(typed) == pytest.approx(number)


@pytest.mark.parametrize(
    "typed",
    ["six", "", "   ", "-", ",", "1,822.5", "1.822,5", "1 82", "1  822", "3,14,15", "nan", "inf", "1e999", "0x10", "1_000", "3 €"],
)
def test_parse_decimal_returns_none_for_what_is_not_a_number(typed):
    assert parse_decimal(typed) is None


def test_parse_decimal_reads_a_comma_as_the_decimal_separator():
    # No guessing between French decimals and English thousands.
    assert parse_decimal("1,822") == pytest.approx(1.822)


# --------------------------------------------------------------------------- matching


def test_matching_gives_credit_per_pair():
    result = grade(PAIRS, {"s-paid": "Acheté", "s-earned": "Mérité", "s-owned": "Emprunté"})
    assert result.fraction == 0.6666667
    assert result.matched_ids == ("s-paid", "s-earned")
    assert result.feedback == []


def test_matching_all_pairs_right_earns_full_credit_spares_excluded():
    assert grade(PAIRS, {"s-paid": "Acheté", "s-earned": "Mérité", "s-owned": "Possédé"}).fraction == 1.0


def test_matching_unanswered_stems_earn_nothing():
    assert grade(PAIRS, {"s-owned": "Possédé"}).fraction == 0.3333333


def test_matching_empty_choice_is_stored_as_unanswered():
    assert validate_response(PAIRS, {"s-earned": "Mérité", "s-paid": ""}) == {"s-earned": "Mérité"}
    assert validate_response(PAIRS, {"s-paid": "", "s-owned": None}) is None


def test_matching_stems_sharing_an_answer_are_each_right():
    shared = {
        "type": "matching",
        "pairs": [["Facebook", "Média social"], ["LinkedIn", "Média social"], ["Google Ads", "Publicité"]],
        "pair_ids": ["fb", "li", "ga"],
    }
    assert grade(shared, {"fb": "Média social", "li": "Média social", "ga": "Média social"}).fraction == 0.6666667


# --------------------------------------------------------------------------- essay and description


def test_essay_waits_for_a_person():
    assert validate_response(ESSAY, "L’effet de réseau…\n\nSecond paragraphe.") == "L’effet de réseau…\n\nSecond paragraphe."
    assert grade(ESSAY, "Un texte").fraction is None
    assert grade(ESSAY, "").fraction is None


def test_description_gives_no_points_and_takes_no_answer():
    assert grade(DESCRIPTION, None) == GradeResult(fraction=None)
    with pytest.raises(InvalidResponse):
        validate_response(DESCRIPTION, "quelque chose")


# --------------------------------------------------------------------------- empty answers

ALL_GRADED = [CAPITAL, COLOURS, TRUE_STATEMENT, SCARCITY, PI, PAIRS]


@pytest.mark.parametrize("question", ALL_GRADED, ids=lambda q: q["type"])
@pytest.mark.parametrize("empty", [None, "", "   ", [], {}], ids=["none", "blank", "spaces", "list", "dict"])
def test_empty_answer_is_not_answered_and_earns_nothing(question, empty):
    assert validate_response(question, empty) is None
    assert grade_response(question, empty) == GradeResult(fraction=0.0, feedback=[], matched_ids=())


def test_results_do_not_share_a_feedback_list():
    grade_response(CAPITAL, None).feedback.append("leak")
    assert grade_response(CAPITAL, None).feedback == []


# --------------------------------------------------------------------------- tampered payloads


def test_unknown_choice_is_rejected():
    with pytest.raises(InvalidResponse):
        validate_response(CAPITAL, "not-a-choice")
    with pytest.raises(InvalidResponse):
        validate_response(COLOURS, ["red", "not-a-choice"])


def test_choice_of_another_question_is_rejected():
    with pytest.raises(InvalidResponse):
        validate_response(CAPITAL, "red")
    with pytest.raises(InvalidResponse):
        validate_response(COLOURS, ["quebec"])


def test_duplicate_choice_is_rejected():
    with pytest.raises(InvalidResponse):
        validate_response(COLOURS, ["red", "red"])


@pytest.mark.parametrize(
    ("question", "payload"),
    [
        (CAPITAL, ["quebec"]), (CAPITAL, 1), (CAPITAL, {"id": "quebec"}),
        (COLOURS, "red"), (COLOURS, [1]), (COLOURS, [["red"]]), (COLOURS, {"red": True}),
        (TRUE_STATEMENT, True), (TRUE_STATEMENT, "yes"), (TRUE_STATEMENT, "TRUE"), (TRUE_STATEMENT, ["true"]),
        (SCARCITY, ["rareté"]), (SCARCITY, 3), (PI, 3.14), (PI, {"value": "3.14"}), (ESSAY, ["texte"]),
        (PAIRS, ["Acheté"]), (PAIRS, "Acheté"), (PAIRS, {"s-paid": 1}), (PAIRS, {"s-paid": ["Acheté"]}),
    ],
)
def test_answer_of_the_wrong_type_is_rejected(question, payload):
    with pytest.raises(InvalidResponse):
        validate_response(question, payload)


def test_matching_stem_not_in_the_question_is_rejected():
    with pytest.raises(InvalidResponse):
        validate_response(PAIRS, {"s-paid": "Acheté", "s-elsewhere": "Mérité"})


def test_matching_spare_answer_is_not_a_stem():
    with pytest.raises(InvalidResponse):
        validate_response(PAIRS, {"s-spare": "Emprunté"})


def test_matching_answer_not_among_the_questions_answers_is_rejected():
    with pytest.raises(InvalidResponse):
        validate_response(PAIRS, {"s-paid": "Volé"})


def test_matching_spare_answer_may_be_chosen():
    assert validate_response(PAIRS, {"s-paid": "Emprunté"}) == {"s-paid": "Emprunté"}


@pytest.mark.parametrize("question", [CAPITAL, TRUE_STATEMENT, SCARCITY, PI, ESSAY, DESCRIPTION], ids=lambda q: q["type"])
def test_huge_string_is_rejected(question):
    with pytest.raises(InvalidResponse):
        validate_response(question, "x" * (MAX_TEXT_LENGTH + 1))


def test_huge_matching_answer_is_rejected():
    with pytest.raises(InvalidResponse):
        validate_response(PAIRS, {"s-paid": "x" * (MAX_TEXT_LENGTH + 1)})


def test_answer_of_the_maximum_length_is_accepted():
    assert len(validate_response(ESSAY, "x" * MAX_TEXT_LENGTH)) == MAX_TEXT_LENGTH


def test_nul_character_is_rejected():
    with pytest.raises(InvalidResponse):
        validate_response(SCARCITY, "rareté\x00")


def test_rejection_does_not_echo_the_payload():
    with pytest.raises(InvalidResponse) as caught:
        validate_response(CAPITAL, "<script>alert(1)</script>")
    assert "script" not in str(caught.value)


def test_unknown_question_type_is_a_server_error_not_a_tampered_answer():
    with pytest.raises(ValueError) as caught:
        validate_response({"type": "cloze"}, "x")
    assert not isinstance(caught.value, InvalidResponse)


def test_stored_answer_that_no_longer_matches_the_question_earns_nothing():
    # A regrade after hand-edited data must not crash on an answer saved earlier.
    assert grade_response(CAPITAL, "removed-choice").fraction == 0.0
    assert grade_response(COLOURS, ["red", "removed-choice"]).fraction == 0.5


# --------------------------------------------------------------------------- normalize_text


def test_normalize_text_folds_case_and_whitespace_and_optionally_accents():
    assert normalize_text("  Prix   DE\tVente ", accents=True) == "prix de vente"
    assert normalize_text("Élasticité", accents=True) == "élasticité"
    assert normalize_text("Élasticité", accents=False) == "elasticite"


# --------------------------------------------------------------------------- properties

weights = st.one_of(
    st.sampled_from([1.0, 0.5, 0.3333333, 0.25, 0.2, 0.1666667, 0.1, 0.0, -0.1, -0.3333333, -0.5, -1.0]),
    st.floats(min_value=-1.0, max_value=1.0, allow_nan=False),
)


@settings(max_examples=200, deadline=None)
@given(data=st.data(), fractions=st.lists(weights, min_size=1, max_size=10))
def test_multiple_answer_fraction_stays_between_zero_and_one_for_any_selection(data, fractions):
    question = {"type": "multichoice_multi", "answers": [choice(f"c{i}", f) for i, f in enumerate(fractions)]}
    ids = [answer["id"] for answer in question["answers"]]
    selected = data.draw(st.lists(st.sampled_from(ids), unique=True))

    fraction = grade(question, selected).fraction

    assert 0.0 <= fraction <= 1.0


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30)
    | st.sampled_from(["quebec", "red", "true", "s-paid", "Acheté"]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8) | st.just("s-paid"), inner, max_size=4),
    max_leaves=10,
)


@settings(max_examples=150, deadline=None)
@given(question=st.sampled_from(ALL_GRADED + [ESSAY, DESCRIPTION]), payload=json_values)
def test_any_payload_is_either_accepted_and_gradable_or_rejected_as_invalid(question, payload):
    try:
        stored = validate_response(question, payload)
    except InvalidResponse:
        return
    result = grade_response(question, stored)
    assert result.fraction is None or 0.0 <= result.fraction <= 1.0
