"""Property test (hypothesis): the French typography never raises and its cost grows linearly,
whatever mix of spaces, punctuation, quotes and tags the text holds (issue 20)."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lessons.typography import french_typography, french_typography_html
from tests.linearity import PROPERTY_SETTINGS, assert_linear_on, texts_with_runs

TRICKY_ALPHABET = " \u00a0\u202f\t\n:;!?«»\"'’<>/=aé1"
TRICKY = st.one_of(st.text(alphabet=st.sampled_from(list(TRICKY_ALPHABET)), max_size=200), texts_with_runs(TRICKY_ALPHABET))


@settings(**PROPERTY_SETTINGS, suppress_health_check=[HealthCheck.too_slow])
@given(TRICKY)
def test_typography_is_linear_on_any_text(text):
    french_typography(text)
    assert_linear_on(french_typography, text)


@settings(**PROPERTY_SETTINGS, suppress_health_check=[HealthCheck.too_slow])
@given(TRICKY)
def test_typography_on_html_never_raises_and_is_linear(text):
    french_typography_html(text)
    assert_linear_on(french_typography_html, text)
