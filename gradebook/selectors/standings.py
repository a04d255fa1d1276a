"""Reads of the kept standings: the instructor's grid sorted, filtered and paged by the database,
the CSV export and the students at risk, in a fixed number of queries whatever the class size.

Reads never write: a page or task that shows kept standings first brings them up to date with
`gradebook.standings.standings_fresh_frame` (one query when none is stale) and passes that frame here,
so what it shows is what computing it would give. Without a frame, a read shows the standings as kept.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Case, DecimalField, F, IntegerField, Q, Value, When
from django.db.models.fields.json import KeyTextTransform, KeyTransform
from django.db.models.functions import Cast, Collate, NullIf

from courses.models import Course, Enrollment
from gradebook.computation import MANUAL_PREFIX, Category, ItemGrade, ItemState, StudentGrade, category_of
from gradebook.models import Standing
from gradebook.selectors.activity import INACTIVE_AFTER, idle_since_of, is_inactive
from gradebook.selectors.computed import AT_RISK_BELOW, RiskReason, StudentRow
from gradebook.selectors.frame import GradebookFrame, gradebook_frame
from gradebook.selectors.sorting import folded

STREAM_CHUNK = 2000
SORT_FIELDS = {
    "total": F("total_so_far"),
    "projected": F("total_projected"),
    "letter": F("total_so_far"),  # letters follow the total; alphabetical order would put A- before A+
    "activity": F("last_activity"),
    "group": NullIf(F("enrollment__group"), Value("")),
}


STATES = {state.value: state for state in ItemState}


@functools.lru_cache(maxsize=4096)
def _decimal(text: str | None) -> Decimal | None:
    # A class shares few distinct values (100, 0, a few scores): each text is parsed once. Decimals are immutable.
    return None if text is None else Decimal(text)


@functools.lru_cache(maxsize=4096)
def _key_parts(key: str) -> tuple[str, int]:
    category, _sep, lesson_id = key.partition(":")
    return (category if category == MANUAL_PREFIX else Category(category)), int(lesson_id)


def grade_from_standing(standing: Standing) -> StudentGrade:
    """The `StudentGrade` a standing was stored from (equal to it, field by field)."""
    items = {}
    for key, stored in standing.items.items():
        state, value, computed, late, to_grade = stored[:5]
        category, lesson_id = _key_parts(key)
        if category == MANUAL_PREFIX:  # a manual item also keeps its category, weight and points
            items[key] = ItemGrade(
                key, category_of(stored[5]), lesson_id, STATES[state], _decimal(value), _decimal(computed), late,
                to_grade, stored[6], _decimal(stored[7]),
            )
            continue
        items[key] = ItemGrade(key, category, lesson_id, STATES[state], _decimal(value), _decimal(computed), late, to_grade)
    return StudentGrade(
        items=items,
        category_so_far={category_of(name): _decimal(mean) for name, mean in standing.category_so_far.items()},
        total_so_far=standing.total_so_far,
        total_projected=standing.total_projected,
        letter=standing.letter,
        total_overridden=standing.total_overridden,
        computed_total=standing.computed_total,
    )


def _frame(course: Course, frame: GradebookFrame | None, now: datetime | None) -> GradebookFrame:
    return frame if frame is not None else gradebook_frame(course=course, now=now)


def _kept(course: Course):
    return Standing.objects.filter(course=course, enrollment__role=Enrollment.Role.STUDENT)


def _inactive(frame: GradebookFrame) -> Q:
    """`activity.is_inactive` in SQL: idle since the later of the last activity and the enrolment (read live)."""
    before = frame.now - INACTIVE_AFTER
    return Q(enrollment__created_at__lt=before) & (Q(last_activity__lt=before) | Q(last_activity__isnull=True))


def _low_total(frame: GradebookFrame) -> Q:
    # Failing counts only once some work is past due; before that nobody is at risk for it.
    return Q(total_so_far__lt=AT_RISK_BELOW) if frame.has_work_past_due else Q(pk__in=[])


def _risk_reasons(frame: GradebookFrame, standing: Standing) -> tuple[str, ...]:
    """`gradebook.selectors.computed.risk_reasons`, from the stored figures."""
    reasons = []
    idle_since = idle_since_of(last_activity=standing.last_activity, enrolled_at=standing.enrollment.created_at)
    if is_inactive(idle_since=idle_since, now=frame.now):
        reasons.append(RiskReason.INACTIVE)
    if frame.has_work_past_due and standing.total_so_far is not None and standing.total_so_far < AT_RISK_BELOW:
        reasons.append(RiskReason.LOW_TOTAL)
    return tuple(reasons)


def _row(frame: GradebookFrame, standing: Standing) -> StudentRow:
    enrollment = standing.enrollment
    enrollment.user = standing.user  # one join: the standing's user is the enrolment's
    return StudentRow(
        enrollment=enrollment, grade=grade_from_standing(standing), last_activity=standing.last_activity,
        risk_reasons=_risk_reasons(frame, standing),
    )


def _name_order():
    # Code-point order whatever the database's collation, as Python sorts the folded names.
    return Collate("name_key", "C") if connection.vendor == "postgresql" else F("name_key")


def _sort_expression(frame: GradebookFrame, name: str):
    if name in SORT_FIELDS:
        return SORT_FIELDS[name]
    if name == "flags":
        # Most flags first when descending: risk reasons weigh more than an essay to grade.
        one = Value(1)
        flags = (
            Case(When(_inactive(frame), then=Value(2)), default=Value(0), output_field=IntegerField())
            + Case(When(_low_total(frame), then=Value(2)), default=Value(0), output_field=IntegerField())
            + Case(When(pending_count__gt=0, then=one), default=Value(0), output_field=IntegerField())
        )
        return NullIf(flags, Value(0))
    category, _sep, lesson = name.partition(":")
    if category in {*(c.value for c in Category), MANUAL_PREFIX} and lesson.isdigit():
        # SQLite gives a JSON null as the text "null": an empty cell must stay empty, not become 0.
        value = NullIf(KeyTextTransform("1", KeyTransform(name, "items")), Value("null"))
        return Cast(value, DecimalField(max_digits=5, decimal_places=2))
    return None


@dataclass
class GradebookPage:
    frame: GradebookFrame
    page: Page  # of StudentRow
    sort: str  # the sort applied ("-total", "name"…)
    class_size: int
    shown: int  # students left by the filters
    groups: list[str]


def gradebook_page(
    *, course: Course, sort: str = "name", at_risk: bool = False, to_grade: bool = False, group: str = "", search: str = "",
    page_number=1, per_page: int = 100, now: datetime | None = None, frame: GradebookFrame | None = None,
) -> GradebookPage:
    """One page of the grid: filters, sort ("total", "-total", "quiz:<lesson id>"…, empty values last,
    ties in name order) and paging done by the database. Seven queries whatever the class size."""
    frame = _frame(course, frame, now)
    students = _kept(course)
    selected = students
    if at_risk:
        selected = selected.filter(_inactive(frame) | _low_total(frame))
    if to_grade:
        selected = selected.filter(pending_count__gt=0)
    if group:
        selected = selected.filter(enrollment__group=group)
    for word in folded(search).split():
        selected = selected.filter(search_text__contains=word)
    descending = sort.startswith("-")
    name = sort.lstrip("-")
    expression = None if name == "name" else _sort_expression(frame, name)
    if expression is None:
        name, descending = "name", False
        ordering = [_name_order().asc()]
    else:
        ordering = [expression.desc(nulls_last=True) if descending else expression.asc(nulls_last=True), _name_order().asc()]
    selected = selected.select_related("enrollment", "user").order_by(*ordering)
    page = Paginator(selected, per_page).get_page(page_number)
    page.object_list = [_row(frame, standing) for standing in page.object_list]
    groups = sorted(
        g for g in students.exclude(enrollment__group="").values_list("enrollment__group", flat=True).distinct() if g
    )
    filtered = at_risk or to_grade or group or search
    return GradebookPage(
        frame=frame, page=page, sort=("-" if descending else "") + name,
        class_size=students.count() if filtered else page.paginator.count, shown=page.paginator.count, groups=groups,
    )


def gradebook_stream(
    *, course: Course, now: datetime | None = None, frame: GradebookFrame | None = None
) -> tuple[GradebookFrame, Iterator[tuple[Enrollment, StudentGrade]]]:
    """The frame and an iterator of (enrolment, grade) in user id order, from the kept standings:
    four queries, one of them a server-side cursor; memory holds one chunk of students."""
    frame = _frame(course, frame, now)

    def rows() -> Iterator[tuple[Enrollment, StudentGrade]]:
        standings = (
            _kept(course).select_related("enrollment", "user").order_by("user_id").iterator(chunk_size=STREAM_CHUNK)
        )
        for standing in standings:
            row = _row(frame, standing)
            yield row.enrollment, row.grade

    return frame, rows()


EXPORT_FIELDS = (
    "user__first_name", "user__last_name", "user__username", "enrollment__group", "user__email",
    "items", "total_so_far", "letter",
)


def gradebook_values_stream(*, course: Course, now: datetime | None = None, frame: GradebookFrame | None = None):
    """For the CSV: (frame, iterator of tuples of EXPORT_FIELDS: first name, last name, username, group,
    e-mail, items ({key: [state, value text, …]}), total, letter), in user id order. Plain tuples and no
    grade object per student: the export of 10,000 students stays around a second."""
    frame = _frame(course, frame, now)
    rows = _kept(course).order_by("user_id").values_list(*EXPORT_FIELDS).iterator(chunk_size=STREAM_CHUNK)
    return frame, rows


def students_at_risk(*, course: Course, now: datetime | None = None, frame: GradebookFrame | None = None) -> list[StudentRow]:
    """Students to reach out to (for the weekly digest): no activity for 7 days, or under 60 % with work past due.

    Each row has `user`, `risk_reasons` / `risk_labels`, `last_activity` and `grade.total_so_far`.
    """
    frame = _frame(course, frame, now)
    flagged = (
        _kept(course).filter(_inactive(frame) | _low_total(frame)).select_related("enrollment", "user")
        .order_by(_name_order().asc())
    )
    return [_row(frame, standing) for standing in flagged]


def standing_totals(*, course: Course, user_id: int) -> Standing | None:
    """The kept total and letter of one student (the grid's cell endpoint answers with them): one query."""
    return _kept(course).filter(user_id=user_id).only("total_so_far", "letter").first()
