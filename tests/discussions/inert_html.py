"""Checks that a piece of HTML can run nothing: what a browser would parse, not what the text mentions."""

from html.parser import HTMLParser

FORBIDDEN_TAGS = {"script", "iframe", "object", "embed", "svg", "math", "style", "form", "input", "meta", "link", "body", "img", "details"}
URL_ATTRIBUTES = {"href", "src", "action", "data", "formaction", "xlink:href"}


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []

    def handle_starttag(self, tag, attrs):
        if tag in FORBIDDEN_TAGS:
            self.problems.append(f"tag <{tag}>")
        for name, value in attrs:
            value = (value or "").replace("\t", "").replace("\n", "").strip().lower()
            if name.startswith("on"):
                self.problems.append(f"event handler {name}")
            if name == "style":
                self.problems.append("inline style")
            if name in URL_ATTRIBUTES and (value.startswith("javascript:") or value.startswith("data:") or value.startswith("vbscript:")):
                self.problems.append(f"{name}={value[:30]}")


def active_content(html: str) -> list[str]:
    collector = _Collector()
    collector.feed(html)
    return collector.problems
