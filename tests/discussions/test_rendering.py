import pytest

from discussions.rendering import render_markdown
from tests.discussions.inert_html import active_content
from tests.discussions.xss_payloads import XSS_PAYLOADS


def test_there_are_at_least_twenty_payloads():
    assert len(XSS_PAYLOADS) >= 20


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_payload_is_rendered_inert(payload):
    html = render_markdown(payload)
    assert active_content(html) == [], html


def test_the_checker_itself_sees_active_content():
    assert active_content('<img src=x onerror="alert(1)">') == ["tag <img>", "event handler onerror"]
    assert active_content('<a href="javascript:alert(1)">x</a>') == ["href=javascript:alert(1)"]


def test_markdown_keeps_ordinary_formatting_and_marks_links_nofollow():
    html = render_markdown("**Le pull** attire, voir [l’article](https://example.org/a).\n\n- un\n- deux")
    assert "<strong>Le pull</strong>" in html
    assert '<a href="https://example.org/a" rel="nofollow noopener">' in html
    assert "<li>un</li>" in html


def test_code_spans_show_tags_as_text():
    assert "&lt;script&gt;" in render_markdown("`<script>`")
