"""The GIFT parser's messages read in French on the pages, each with its line; `import_gift --json` keeps English."""

import pytest
from django.utils import translation

from quizzes.gift import parse_gift
from quizzes.gift_messages import MESSAGES, gift_error_message, gift_message
from quizzes.services import gift_parse_for_import

# One broken question for each message the parser writes (the tests of the parser itself cover the English).
BROKEN = [
    "::A:: Poids ? {=a ~%35%b}",
    "::A:: Poids ? {=a ~%abc%b}",
    "::A:: Poids ? {=a ~%150%b}",
    "::A:: Poids ? {=a ~%50 b}",
    "::A Titre ouvert ? {=a ~b}",
    "::A:: Accolade } seule",
    "::A:: Jamais fermée ? {=a ~b",
    "::A:: Imbriquée ? {=a {~b}",
    "::A:: Après ? {=a ~b} {T}",
    "::A:: {=a ~b}",
    "::A:: Texte ? {avant =a ~b}",
    "::A:: Vide ? {=a ~}",
    "::A::",
    "::A:: Aucune bonne ? {~a ~b}",
    "::A:: Vrai ? {T#a#b#c}",
    "::A:: Court ? {=%0%a}",
    "::A:: Paires ? {=a -> b =c -> d}",
    "::A:: Paires ? {=a -> b #x =c -> d =e -> f}",
    "::A:: Paires ? {=a b =c -> d =e -> f}",
    "::A:: Paires ? {=a -> =c -> d =e -> f}",
    "::A:: Nombre ? {#}",
    "::A:: Nombre ? {#=%0%2}",
    "::A:: Nombre ? {#5..2}",
    "::A:: Nombre ? {#2:-1}",
    "::A:: Nombre ? {#2,5}",
    "::A:: Nombre ? {#abc}",
    "::A:: Nombre ? {#1e400}",
]


@pytest.mark.parametrize("gift", BROKEN)
def test_every_parser_message_has_a_french_wording(gift):
    result = gift_parse_for_import(text=gift)
    assert result.errors
    with translation.override("fr-ca"):
        for error in result.errors:
            assert gift_message(error.message) != error.message, error.message
            assert gift_error_message(error).startswith(f"Ligne {error.line}\u00a0: ")


def test_english_stays_available_and_the_json_contract_keeps_the_parser_wording():
    error = parse_gift("::A:: Poids ? {\n=a\n~%35%b}").errors[0]
    assert error.to_json() == {"line": 3, "message": error.message} and "is not one of Moodle's grades" in error.message
    with translation.override("en"):
        assert gift_error_message(error).startswith("Line 3: the answer weight “%35%” is not one of Moodle’s grades")
    with translation.override("fr-ca"):
        assert "« %35% » n’est pas une des notes de Moodle" in gift_error_message(error).replace("\u00a0", " ")


def test_the_import_own_messages_are_translated_too():
    with translation.override("fr-ca"):
        assert gift_message("two questions share the title “A”") == "deux questions portent le titre «\u00a0A\u00a0»"


def test_a_message_no_pattern_knows_is_shown_as_written():
    assert gift_message("something new") == "something new"
    assert len({wording for _pattern, wording in MESSAGES}) == len(MESSAGES)
