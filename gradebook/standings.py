"""Keeping every student's standing (`gradebook.models.Standing`) equal to what computing it gives.

Writes only. Three ways a standing changes:

* `standings_refresh`: recompute some students (or a whole course) with `gradebook_rows`, the
  very computation the pages used to run, and store the result. The rows are locked first, so
  two writes about one student queue up and the second computes with the first's work
  committed. The write services of the other apps announce their changes through
  `courses.signals` (one call each) and `gradebook.receivers` refreshes, inside their
  transaction: no instructor ever reads a standing older than a committed write;
* `standing_touch`: activity that changes no grade (answers autosaved, a login) moves the last
  activity only, in one UPDATE;
* `standings_refresh_stale`: before every read, the students whose standing is missing or was
  computed under another course-wide state (a due date passed or moved, the scheme or a quiz
  changed; see `frame_fingerprint`) are refreshed. This is what keeps a standing right when
  only the clock changed, and it heals enrolments made outside the services (admin, bulk
  inserts).

`standings_rebuild` (the `rebuild_standings` command) recomputes everything from scratch.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import Exists, OuterRef, Q

from courses.models import Course, Enrollment
from gradebook.computation import StudentGrade
from gradebook.models import Standing
from gradebook.selectors.computed import gradebook_rows
from gradebook.selectors.frame import GradebookFrame, frame_fingerprint, gradebook_frame
from gradebook.selectors.sorting import folded

UPSERT_BATCH = 500
REFRESH_CHUNK = 1000  # students per transaction when a whole class is stale
NAME_SEPARATOR = "\x01"  # sorts before any printable character: "Du" comes before "Dupont" as in a tuple
STORED_FIELDS = (
    "enrollment", "fingerprint", "items", "category_so_far", "total_so_far", "total_projected", "computed_total",
    "total_overridden", "letter", "pending_count", "last_activity", "name_key", "search_text",
)


def _text(value) -> str | None:
    return None if value is None else str(value)


def grade_to_json(grade: StudentGrade) -> dict:
    """The fields of a `Standing` that hold a grade (decimals as exact strings)."""
    return {
        "items": {key: _item_json(item) for key, item in grade.items.items()},
        "category_so_far": {str(category): _text(mean) for category, mean in grade.category_so_far.items()},
        "total_so_far": grade.total_so_far,
        "total_projected": grade.total_projected,
        "computed_total": grade.computed_total,
        "total_overridden": grade.total_overridden,
        "letter": grade.letter,
        "pending_count": grade.pending_count,
    }


def name_fields(user) -> dict:
    """The folded name key (the grid's order: last name, first name, username) and search text."""
    return {
        "name_key": NAME_SEPARATOR.join((folded(user.last_name), folded(user.first_name), user.username)),
        "search_text": folded(f"{user.first_name} {user.last_name} {user.username} {user.email}"),
    }


def _item_json(item) -> list:
    """[state, value, computed, late, to_grade], and for a manual item its category, weight and points."""
    stored = [item.state.value, _text(item.value), _text(item.computed), item.late, item.to_grade]
    if item.is_manual:
        stored += [str(item.category), item.weight, _text(item.points)]
    return stored


# No savepoint: inside a write service it is part of that transaction (two queries saved per write).
@transaction.atomic(savepoint=False)
def standings_refresh(
    *, course: Course, user_ids: list[int] | None = None, now: datetime | None = None, frame: GradebookFrame | None = None
) -> int:
    """Recompute and store the standings of these students of the course (None: all of them); returns how many."""
    frame = frame or gradebook_frame(course=course, now=now)
    fingerprint = frame_fingerprint(frame)
    kept = Standing.objects.filter(course=course)
    if user_ids is not None:
        kept = kept.filter(user_id__in=user_ids)
    # Lock before reading the work: a concurrent write about the same student waits for this
    # transaction and then computes with everything committed (READ COMMITTED sees it).
    locked = list(kept.select_for_update(no_key=True, of=("self",)).values_list("pk", "enrollment__role"))
    former = [pk for pk, role in locked if role != Enrollment.Role.STUDENT]
    if former:
        Standing.objects.filter(pk__in=former).delete()  # no longer a student: no standing
    rows = gradebook_rows(course=course, user_ids=user_ids, frame=frame).rows
    standings = []
    for row in rows:
        enrollment = row.enrollment
        standings.append(
            Standing(
                enrollment=enrollment, course_id=enrollment.course_id, user_id=enrollment.user_id,
                fingerprint=fingerprint, last_activity=row.last_activity,
                **grade_to_json(row.grade), **name_fields(enrollment.user),
            )
        )
    Standing.objects.bulk_create(
        standings, batch_size=UPSERT_BATCH, update_conflicts=True, unique_fields=["course", "user"],
        update_fields=[name for name in STORED_FIELDS if name != "enrollment"] + ["updated_at"],
    )
    return len(standings)


def standings_refresh_for_lesson(*, lesson_id: int, user_ids: list[int]) -> int:
    course = Course.objects.filter(lessons__id=lesson_id).first()
    return standings_refresh(course=course, user_ids=user_ids) if course is not None else 0


def stale_student_ids(*, course: Course, fingerprint: str) -> list[int]:
    """Students of the course without a standing computed under this fingerprint: one query."""
    current = Standing.objects.filter(enrollment=OuterRef("pk"), fingerprint=fingerprint)
    return list(
        Enrollment.objects.filter(course=course, role=Enrollment.Role.STUDENT)
        .exclude(Exists(current))
        .values_list("user_id", flat=True)
    )


def standings_refresh_stale(*, course: Course, frame: GradebookFrame | None = None) -> int:
    """Bring the standings a read is about to show up to date: one query when nothing is stale.

    A whole class goes stale at once when a due date passes: it is refreshed a chunk of students
    per transaction, so the row locks that writes about those students wait for are short.
    """
    frame = frame or gradebook_frame(course=course)
    stale = stale_student_ids(course=course, fingerprint=frame_fingerprint(frame))
    for start in range(0, len(stale), REFRESH_CHUNK):
        with transaction.atomic():
            standings_refresh(course=course, user_ids=stale[start:start + REFRESH_CHUNK], frame=frame)
    return len(stale)


def standings_fresh_frame(*, course: Course, now: datetime | None = None) -> GradebookFrame:
    """The course's frame, after bringing every stale standing up to date: what a page or task that shows
    kept standings calls before reading them (the selectors themselves never write)."""
    frame = gradebook_frame(course=course, now=now)
    standings_refresh_stale(course=course, frame=frame)
    return frame


@transaction.atomic
def standings_rebuild(*, course: Course, now: datetime | None = None) -> int:
    """Forget the course's standings and compute them all again."""
    Standing.objects.filter(course=course).delete()
    return standings_refresh(course=course, now=now)


def standing_touch(*, user_id: int, at: datetime, lesson_id: int | None = None) -> int:
    """Move the last activity of the user's standings (in the lesson's course, or all) to `at` if later."""
    kept = Standing.objects.filter(user_id=user_id)
    if lesson_id is not None:
        kept = kept.filter(course__lessons__id=lesson_id)
    return kept.filter(Q(last_activity__isnull=True) | Q(last_activity__lt=at)).update(last_activity=at)


def standings_names_update(*, user) -> int:
    """After a change of name or e-mail: the order and search text of the user's standings follow."""
    return Standing.objects.filter(user=user).update(**name_fields(user))
