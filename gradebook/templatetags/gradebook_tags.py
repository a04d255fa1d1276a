"""Gradebook cells and sort links, built in Python: a class of hundreds × dozens of cells renders fast."""

from django import template
from django.utils.formats import get_format, number_format
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from gradebook.computation import Category, ItemState

register = template.Library()


@register.filter
def percent(value, places=1):
    """85.5 → "85,5 %" in French, "85.5 %" in English; empty values as a dash."""
    if value is None or value == "":
        return "—"
    return f"{number_format(value, int(places))}\u00a0%"


class CellRenderer:
    """HTML of gradebook cells. Fixed fragments are translated and escaped once per page; values are
    numbers, so a row of ninety cells is a string join rather than ninety template nodes."""

    def __init__(self):
        self.decimal_separator = get_format("DECIMAL_SEPARATOR")
        self.none = '<td class="gb-none"></td>'
        self.not_due = format_html('<td class="gb-not-due" title="{}">·</td>', _("Not due yet"))
        self.missing = format_html('<td class="gb-missing" title="{}">0</td>', _("Missing, past due: counts 0"))
        self.read = format_html('<td class="gb-read" title="{}">✓</td>', _("Read"))
        self.overridden = format_html('<abbr class="gb-mark" title="{}">*</abbr>', _("Overridden by an instructor"))
        self.late = format_html('<abbr class="gb-mark" title="{}">{}</abbr>', _("Late"), _("L"))
        self.to_grade = format_html(' <span class="badge text-bg-info">{}</span>', _("to grade"))

    def number(self, value, places: int) -> str:
        text = f"{value:.{places}f}"
        return text.replace(".", self.decimal_separator) if places else text

    def cell(self, item) -> str:
        if item is None:
            return self.none
        state = item.state
        if state == ItemState.NOT_DUE:
            return self.not_due
        if state == ItemState.MISSING:
            return self.missing
        marks = ""
        if state == ItemState.OVERRIDDEN:
            marks += self.overridden
        if item.late:
            marks += self.late
        if item.to_grade:
            marks += self.to_grade
        if state == ItemState.TO_GRADE:
            return f'<td class="gb-to-grade">{marks}</td>'
        if item.category == Category.READING and state == ItemState.GRADED:
            return self.read
        return f"<td>{self.number(item.value, 1 if item.category == Category.QUIZ else 0)}{marks}</td>"


@register.simple_tag(takes_context=True)
def grade_cells(context, items):
    """The `<td>`s of one gradebook row, for ItemGrades (None where a lesson has no such item)."""
    # Kept in the render context: built once per page, not once per row.
    renderer = context.render_context.get("gradebook_cells")
    if renderer is None:
        renderer = context.render_context["gradebook_cells"] = CellRenderer()
    return mark_safe("".join(renderer.cell(item) for item in items))


@register.simple_tag(takes_context=True)
def sort_th(context, key, label, rowspan=1, css="", detail=""):
    """A column header whose link sorts by `key`, reversing when the column is already sorted that way;
    `detail` is a small line under the link (a manual item's maximum and category)."""
    current = context.get("sort", "name")
    query = context.get("query_without_sort", "")
    target = f"-{key}" if current == key else key
    href = "?" + (f"{query}&" if query else "") + urlencode({"sort": target})
    more = format_html('<span class="d-block small text-body-secondary gb-detail">{}</span>', detail) if detail else ""
    if current.lstrip("-") != key:
        return format_html('<th scope="col" rowspan="{}" class="{}"><a href="{}">{}</a>{}</th>', rowspan, css, href, label, more)
    direction = "descending" if current.startswith("-") else "ascending"
    arrow = "▼" if direction == "descending" else "▲"
    return format_html(
        '<th scope="col" rowspan="{}" class="{}" aria-sort="{}"><a href="{}">{} <span aria-hidden="true">{}</span></a>{}</th>',
        rowspan, css, direction, href, label, arrow, more,
    )


@register.simple_tag
def manual_detail(column):
    """ "/ 20 · Projet d'équipe" under a manual item's title."""
    maximum = number_format(column.max_points.normalize() if column.max_points == column.max_points.to_integral() else column.max_points)
    return f"/ {maximum} · {column.category_title}"


@register.filter
def points(value):
    """A manual grade's points as typed back into the grid: "17,5" in French, "" when none."""
    if value is None:
        return ""
    text = format(value.normalize(), "f") if value != value.to_integral() else str(int(value))
    return text.replace(".", get_format("DECIMAL_SEPARATOR"))
