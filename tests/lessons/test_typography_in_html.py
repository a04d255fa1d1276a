"""French typography touches the words people read, never the markup around them."""

from quizzes.templatetags.quiz_text import question_html

NBSP = "\u00a0"


def test_quotes_inside_html_attributes_stay_quotes():
    html = question_html('Voir <a href="https://example.org/a?b=1" title="Un titre">la source</a> : « oui » et "non"', "html")

    assert 'href="https://example.org/a?b=1"' in html
    assert 'title="Un titre"' in html
    assert "«" not in html.split(">la source<")[0]  # nothing inside the tag was turned into guillemets
    assert f"{NBSP}:" in html and f"«{NBSP}non{NBSP}»" in html


def test_markdown_link_titles_and_code_are_left_alone():
    html = question_html('Un [lien](https://example.org "le titre") ; du code `print("x")` ?', "markdown")

    assert 'href="https://example.org"' in html
    assert 'title="le titre"' in html
    assert '<code>print("x")</code>' in html or "<code>print(&quot;x&quot;)</code>" in html
    assert "\u202f;" in html and "\u202f?" in html


def test_plain_questions_still_get_french_typography():
    html = question_html('Quelle est la "bonne" réponse ?', "moodle")

    assert f"«{NBSP}bonne{NBSP}»" in html and "\u202f?" in html
