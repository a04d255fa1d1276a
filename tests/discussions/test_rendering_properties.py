"""Property test (hypothesis): Markdown rendering (posts, and quiz texts with the typography on top)
never raises and its cost grows linearly up to the post bound (issue 20)."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from discussions.models import MAX_POST_LENGTH
from discussions.rendering import render_markdown
from lessons.typography import french_typography_html
from tests.linearity import PROPERTY_SETTINGS, assert_linear_on, texts_with_runs

MARKDOWN_ALPHABET = " \n*_`[]()<>#->!|&;:«»\"'\\.1aé"
MARKDOWN = st.one_of(st.text(alphabet=st.sampled_from(list(MARKDOWN_ALPHABET)), max_size=200), texts_with_runs(MARKDOWN_ALPHABET))


def rendered_with_typography(text):
    return french_typography_html(render_markdown(text))


@settings(**PROPERTY_SETTINGS, suppress_health_check=[HealthCheck.too_slow])
@given(MARKDOWN)
def test_markdown_rendering_is_linear_up_to_the_post_bound(text):
    render_markdown(text)
    assert_linear_on(rendered_with_typography, text, size=MAX_POST_LENGTH // 10)


def test_links_and_tags_that_close_render_as_before_and_those_that_never_close_are_text():
    html = render_markdown("Voir [l’article](https://example.org/a(b)) et <em>ceci</em>, 2 < 3 [note")
    assert '<a href="https://example.org/a(b)" rel="nofollow noopener">l’article</a>' in html
    assert "<em>ceci</em>" in html and "2 &lt; 3 [note" in html


def test_rendering_is_linear_on_brackets_that_never_close():
    from tests.linearity import assert_linear

    for piece in ("[", "[](", "<a ", "*["):
        assert_linear(render_markdown, piece * (100 // len(piece)), piece * (1_000 // len(piece)))
