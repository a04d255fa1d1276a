"""Sorting and filtering rows computed in memory (`gradebook_rows`), and the name order.

The instructor's page sorts and filters the kept standings in the database
(`gradebook.selectors.standings`); these stay for callers holding computed rows, and
define the order the database reproduces (`folded` names, empty values last).
"""

from __future__ import annotations

import unicodedata

from courses.models import Course, Enrollment
from gradebook.computation import Category
from gradebook.selectors.computed import StudentRow



def _folded(text: str) -> str:
    """Lower case without accents, so "helene" finds "Hélène"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def gradebook_filter(
    rows: list[StudentRow], *, at_risk: bool = False, to_grade: bool = False, group: str = "", search: str = ""
) -> list[StudentRow]:
    words = _folded(search).split()
    selected = []
    for row in rows:
        if at_risk and not row.at_risk:
            continue
        if to_grade and not row.grade.pending_count:
            continue
        if group and row.enrollment.group != group:
            continue
        if words:
            user = row.user
            haystack = _folded(f"{user.first_name} {user.last_name} {user.username} {user.email}")
            if not all(word in haystack for word in words):
                continue
        selected.append(row)
    return selected


def _name_key(row: StudentRow):
    user = row.user
    return (_folded(user.last_name), _folded(user.first_name), user.username)


def class_roster(*, course: Course) -> tuple[list[int], list[str]]:
    """Every student's user id in the grid's name order (accents folded), and the groups, in one light query.

    Lets the unfiltered, name-sorted grid (its default view) compute only the page it shows.
    """
    rows = list(
        Enrollment.objects.filter(course=course, role=Enrollment.Role.STUDENT).values_list(
            "user_id", "user__last_name", "user__first_name", "user__username", "group"
        )
    )
    ordered = [row[0] for row in sorted(rows, key=lambda r: (_folded(r[1]), _folded(r[2]), r[3]))]
    return ordered, sorted({row[4] for row in rows if row[4]})


SORTS = {
    "name": _name_key,
    "group": lambda row: row.enrollment.group or None,
    "total": lambda row: row.grade.total_so_far,
    "projected": lambda row: row.grade.total_projected,
    "letter": lambda row: row.grade.total_so_far,  # letters follow the total; alphabetical order would put A- before A+
    "activity": lambda row: row.last_activity,
    # Most flags first when descending: risk reasons weigh more than an essay to grade.
    "flags": lambda row: (2 * len(row.risk_reasons) + bool(row.grade.pending_count)) or None,
}


def gradebook_sort(rows: list[StudentRow], *, sort: str) -> tuple[list[StudentRow], str]:
    """Rows sorted by `sort` ("total", "-total", "quiz:<lesson id>"…); empty values always last.

    Returns the rows and the sort actually applied (an unknown one falls back to the name).
    """
    descending = sort.startswith("-")
    name = sort.lstrip("-")
    key = SORTS.get(name)
    if key is None:
        category, _sep, lesson = name.partition(":")
        if category in {c.value for c in Category} and lesson.isdigit():
            def key(row, _key=name):
                item = row.grade.items.get(_key)
                return item.value if item is not None else None
        else:
            name, descending, key = "name", False, SORTS["name"]
    present = [row for row in rows if key(row) is not None]
    empty = [row for row in rows if key(row) is None]
    # Ties keep the name order, whichever way the column is sorted.
    present.sort(key=_name_key)
    present.sort(key=key, reverse=descending)
    empty.sort(key=_name_key)
    return present + empty, ("-" if descending else "") + name