"""The French typography runs on every lesson summary and question text of every page view:
its cost must grow linearly with the text, whatever the text (issue 20: 30,000 spaces took 5.8 s)."""

import pytest

from lessons.typography import NBSP, NNBSP, french_typography, french_typography_html
from tests.linearity import assert_linear


@pytest.mark.parametrize("run", [
    " ",  # a run of spaces never followed by « : »
    " \u00a0",  # spaces of every kind
    "\u202f",
])
def test_typography_is_linear_on_long_runs_of_spaces(run):
    assert_linear(french_typography, "a" + run * 2_000 + "b", "a" + run * 20_000 + "b")


def test_typography_is_linear_on_many_runs_of_spaces_before_a_closing_guillemet():
    assert_linear(french_typography, ("x" + " " * 200) * 10 + "»", ("x" + " " * 200) * 100 + "»")


def test_typography_html_is_linear_on_long_text_nodes():
    assert_linear(french_typography_html, "<p>" + " " * 3_000 + "</p>", "<p>" + " " * 30_000 + "</p>")


def test_typography_rules_are_unchanged_by_the_rewrite():
    assert french_typography("Voici   : la règle ; si ! « citation » et \"mot\" l'art") == (
        f"Voici{NBSP}: la règle{NNBSP}; si{NNBSP}! «{NBSP}citation{NBSP}» et «{NBSP}mot{NBSP}» l’art"
    )
    assert french_typography("fin»") == f"fin{NBSP}»"
    assert french_typography(" :") == f"{NBSP}:"
    assert french_typography("   ") == "   "


def test_typography_html_is_linear_on_text_that_is_not_html():
    assert_linear(french_typography_html, "<" * 2_000, "<" * 20_000)
    assert_linear(french_typography_html, '<a title="' * 200, '<a title="' * 2_000)


def test_a_tag_without_a_name_is_left_as_it_is():
    """Found by the property test: "< >" (a bracket pair around a space) is not a tag name to look up."""
    from lessons.typography import french_typography_html

    assert french_typography_html("< > texte : fin") == "< > texte\u00a0: fin"
