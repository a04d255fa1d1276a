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

A change to the whole class's frame (the scheme, a quiz's due date) never recomputes a big class inside
the request (decision 0023): `standings_class_changed` refreshes a class of at most
`INLINE_REFRESH_LIMIT` students at once, and otherwise only queues the refresh (`gradebook.tasks`), which
workers run `REFRESH_BATCH` students per task. Until it is done, `standings_read_frame` tells the pages
how far it got instead of showing a grid where some totals follow the old frame and some the new one.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.db import transaction
from django.db.models import Exists, OuterRef, Q

from courses.models import Course, Enrollment
from coursesite.progress import Progress, progress_none
from gradebook.computation import StudentGrade
from gradebook.models import Standing
from gradebook.selectors.computed import gradebook_rows
from gradebook.selectors.frame import GradebookFrame, frame_fingerprint, gradebook_frame, student_fingerprint
from gradebook.selectors.sorting import folded

logger = logging.getLogger(__name__)

UPSERT_BATCH = 500
REFRESH_CHUNK = 1000  # students per transaction when a whole class is stale
# Up to this many stale students, a request refreshes them itself (about 0.3 s on PostgreSQL, see
# bench/gradebook.py); beyond, workers do it and the pages show the progress.
INLINE_REFRESH_LIMIT = 200
REFRESH_BATCH = 500  # students per worker task (one transaction each)
# A read that finds a big class stale queues its refresh once per frame for this long (a lost publish is
# retried after it; the periodic task heals what a down broker delayed in any case).
QUEUED_MARK_SECONDS = 300
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
                fingerprint=student_fingerprint(frame, enrollment.user_id, fingerprint), last_activity=row.last_activity,
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


def stale_student_ids(*, course: Course, fingerprint: str, frame: GradebookFrame | None = None) -> list[int]:
    """Students of the course without a standing computed under this fingerprint: one query, and one more
    when some students have their own due dates (their standings carry their own fingerprint)."""
    current = Standing.objects.filter(enrollment=OuterRef("pk"), fingerprint=fingerprint)
    stale = list(
        Enrollment.objects.filter(course=course, role=Enrollment.Role.STUDENT)
        .exclude(Exists(current))
        .values_list("user_id", flat=True)
    )
    own = frame.own_due_users if frame is not None else set()
    if not own:
        return stale
    kept = dict(Standing.objects.filter(course=course, user_id__in=own).values_list("user_id", "fingerprint"))
    students = set(
        Enrollment.objects.filter(course=course, role=Enrollment.Role.STUDENT, user_id__in=own).values_list("user_id", flat=True)
    )
    fresh_own = {user_id for user_id in students if kept.get(user_id) == student_fingerprint(frame, user_id, fingerprint)}
    return sorted((set(stale) - own) | (students - fresh_own))


def stale_among(*, course: Course, fingerprint: str, user_ids: list[int]) -> list[int]:
    """Which of these students still lack a standing computed under this fingerprint: one query."""
    current = Standing.objects.filter(enrollment=OuterRef("pk"), fingerprint=fingerprint)
    return list(
        Enrollment.objects.filter(course=course, role=Enrollment.Role.STUDENT, user_id__in=user_ids)
        .exclude(Exists(current))
        .values_list("user_id", flat=True)
    )


def standings_refresh_stale(*, course: Course, frame: GradebookFrame | None = None) -> int:
    """Bring the standings a read is about to show up to date: one query when nothing is stale.

    A whole class goes stale at once when a due date passes: it is refreshed a chunk of students
    per transaction, so the row locks that writes about those students wait for are short.
    """
    frame = frame or gradebook_frame(course=course)
    stale = stale_student_ids(course=course, fingerprint=frame_fingerprint(frame), frame=frame)
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


@dataclass(frozen=True)
class RefreshProgress:
    """A class-wide refresh under way: `done` of `total` students have a standing under the current frame."""

    done: int
    total: int

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 100


def standings_read_frame(*, course: Course, now: datetime | None = None) -> tuple[GradebookFrame, RefreshProgress | None]:
    """What a page that shows the whole class's standings calls first: the frame, and None when every standing
    is up to date (brought up to date here when at most `INLINE_REFRESH_LIMIT` were not: one query when none
    were), else the progress of the refresh the workers run (queued here if it was not yet).

    While a refresh runs, the page shows that progress and no grid: some rows already follow the new frame
    (scheme, due dates) and some still the old one, and a grid mixing them would be wrong either way.
    """
    frame = gradebook_frame(course=course, now=now)
    fingerprint = frame_fingerprint(frame)
    stale = stale_student_ids(course=course, fingerprint=fingerprint)
    if not stale:
        return frame, None
    if len(stale) <= INLINE_REFRESH_LIMIT:
        with transaction.atomic():
            standings_refresh(course=course, user_ids=stale, frame=frame)
        return frame, None
    _queue_once(course_id=course.pk, fingerprint=fingerprint)
    total = Enrollment.objects.filter(course=course, role=Enrollment.Role.STUDENT).count()
    return frame, RefreshProgress(done=max(total - len(stale), 0), total=total)


def standings_class_changed(*, course: Course) -> None:
    """After a write that changes what every student's standing depends on (the scheme, a quiz's due date or
    grading method), inside its transaction: a small class is refreshed at once, a big one after the commit
    by the workers (`gradebook.refresh_course_standings`), so the request stays short whatever the class."""
    students = Enrollment.objects.filter(course=course, role=Enrollment.Role.STUDENT)
    if not students[INLINE_REFRESH_LIMIT:INLINE_REFRESH_LIMIT + 1].exists():
        standings_refresh(course=course)
        return
    standings_class_refresh_queue(course_id=course.pk)


def standings_class_refresh_queue(*, course_id: int) -> None:
    """Queue the class's refresh for after the commit (whatever its size: the next read refreshes a small
    class itself, `standings_read_frame`); a down broker only delays it (the periodic task)."""
    transaction.on_commit(lambda: _queue_for_current_frame(course_id=course_id))


def _queue_for_current_frame(*, course_id: int) -> None:
    # After the commit: the frame the change made, so that the gradebook's reads find it queued already.
    course = Course.objects.filter(pk=course_id).first()
    if course is not None:
        _queue_once(course_id=course_id, fingerprint=frame_fingerprint(gradebook_frame(course=course)))


def _queue_once(*, course_id: int, fingerprint: str) -> None:
    """Queue the class's refresh unless a node queued it for this frame lately: every node and every poll of
    the progress page reads the same mark (Django's cache is Redis with several nodes)."""
    mark = f"gradebook:refresh-queued:{course_id}:{fingerprint}"
    try:
        first = cache.add(mark, True, timeout=QUEUED_MARK_SECONDS)
    except Exception:  # noqa: BLE001 - a cache that does not answer costs a duplicate task (idempotent), not the page
        logger.warning("Cache unreachable: the standings refresh is queued again.", exc_info=True)
        first = True
    if first and not _publish_class_refresh(course_id=course_id):
        try:
            cache.delete(mark)  # the next read tries again (and the periodic task does the work in any case)
        except Exception:  # noqa: BLE001
            pass


def _publish_class_refresh(*, course_id: int) -> bool:
    # Imported here: the tasks module imports this one.
    from coursesite.broker import task_publish_quietly
    from gradebook.tasks import refresh_course_standings

    return task_publish_quietly(refresh_course_standings, course_id)


def standings_refresh_batches(*, course: Course) -> list[list[int]]:
    """The course's stale students, `REFRESH_BATCH` at a time: what the workers share out."""
    stale = stale_student_ids(course=course, fingerprint=frame_fingerprint(gradebook_frame(course=course)))
    return [stale[start:start + REFRESH_BATCH] for start in range(0, len(stale), REFRESH_BATCH)]


@transaction.atomic
def standings_refresh_batch(*, course: Course, user_ids: list[int]) -> int:
    """Refresh those of these students whose standing is not under the course's current frame (a batch run
    twice, or after a write refreshed some of them, does only what is left); returns how many."""
    frame = gradebook_frame(course=course)
    # Locked before looking: a copy of this batch running at the same time waits here, then finds them fresh.
    list(Standing.objects.filter(course=course, user_id__in=user_ids).select_for_update(no_key=True).values_list("pk"))
    stale = stale_among(course=course, fingerprint=frame_fingerprint(frame), user_ids=user_ids)
    return standings_refresh(course=course, user_ids=stale, frame=frame) if stale else 0


@transaction.atomic
def standings_rebuild(*, course: Course, now: datetime | None = None, progress: Progress = progress_none) -> int:
    """Forget the course's standings and compute them all again (one transaction; `progress` told of each
    chunk of students done)."""
    Standing.objects.filter(course=course).delete()
    frame = gradebook_frame(course=course, now=now)
    students = list(
        Enrollment.objects.filter(course=course, role=Enrollment.Role.STUDENT).order_by("user_id").values_list("user_id", flat=True)
    )
    done = 0
    for start in range(0, len(students), REFRESH_CHUNK):
        chunk = standings_refresh(course=course, user_ids=students[start:start + REFRESH_CHUNK], frame=frame)
        done += chunk
        progress(chunk)
    return done


def standing_touch(*, user_id: int, at: datetime, lesson_id: int | None = None) -> int:
    """Move the last activity of the user's standings (in the lesson's course, or all) to `at` if later."""
    kept = Standing.objects.filter(user_id=user_id)
    if lesson_id is not None:
        kept = kept.filter(course__lessons__id=lesson_id)
    return kept.filter(Q(last_activity__isnull=True) | Q(last_activity__lt=at)).update(last_activity=at)


def standings_names_update(*, user) -> int:
    """After a change of name or e-mail: the order and search text of the user's standings follow."""
    return Standing.objects.filter(user=user).update(**name_fields(user))
