"""Writes for the gradebook: the grading scheme and instructors' overrides.

Overrides follow the moderation pattern: check, act, do nothing when already
in the wanted state, and write an audit row (`courses.audit`) for every
change.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from coursesite.changes import changes_apply
from coursesite.errors import ActionRefused
from courses.audit import Action, audit_record
from courses.models import Course, Enrollment
from gradebook.computation import TOTAL_KEY, Category, letter_scale_from_json, parse_item_key
from gradebook.models import GradeOverride, GradingScheme
from gradebook.signals import grade_override_changed
from gradebook.standings import standings_class_changed, standings_refresh
from lessons.models import Lesson

VALUE_PLACES = Decimal("0.01")
SCHEME_FIELDS = (
    "quiz_weight", "participation_weight", "reading_weight",
    "full_participation_percent", "replies_only_percent", "late_penalty_percent", "letter_scale",
)


class GradebookError(ActionRefused):
    """A change the rules refuse; the message is for the instructor who tried it."""


def grading_scheme_ensure(*, course: Course) -> GradingScheme:
    """The course's scheme, created with the defaults on first use."""
    scheme, _created = GradingScheme.objects.get_or_create(course=course)
    return scheme


@transaction.atomic
def grading_scheme_update(*, course: Course, actor=None, **values) -> GradingScheme:
    """Change the weights, participation credits, late penalty or letter scale; only changed fields are saved.

    The one grading-settings write, whichever page asks: a person's change (`actor`) goes to the course's
    audit trail as {field: [old, new]}, against the defaults before the first save.
    """
    unknown = set(values) - set(SCHEME_FIELDS)
    if unknown:
        raise TypeError(f"unknown scheme fields: {sorted(unknown)}")
    scheme = GradingScheme.objects.select_for_update().filter(course=course).first() or GradingScheme(course=course)
    if "letter_scale" in values:
        try:
            letters = letter_scale_from_json(values["letter_scale"])
        except ValueError as exc:
            raise GradebookError(str(exc)) from exc
        values["letter_scale"] = [{"letter": g.letter, "min": _json_number(g.minimum)} for g in letters]
    changes = changes_apply(scheme, values)
    changed = list(changes)
    if scheme.quiz_weight + scheme.participation_weight + scheme.reading_weight != 100:
        raise GradebookError(_("The three weights must add up to 100."))
    if scheme.pk is None:
        scheme.save()
    elif changed:
        scheme.save(update_fields=[*changed, "updated_at"])
    else:
        return scheme
    if changes and actor is not None:
        audit_record(course=course, actor=actor, action=Action.GRADING_SCHEME, target=course.title, changes=changes)
    # Every student's standing follows the new scheme: a small class in this transaction, a big one in the
    # workers after the commit, the gradebook showing the progress meanwhile (decision 0023).
    standings_class_changed(course=course)
    return scheme


def _json_number(value: Decimal):
    return int(value) if value == value.to_integral_value() else float(value)


def _checked_value(value) -> Decimal:
    try:
        number = Decimal(str(value).replace(",", ".").strip()).quantize(VALUE_PLACES, rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        raise GradebookError(_("A grade is a number between 0 and 100.")) from None
    if not (0 <= number <= 100):
        raise GradebookError(_("A grade is a number between 0 and 100."))
    return number


def _checked_item(*, course: Course, item: str) -> str:
    """The item key if it names a cell of this course's gradebook (or the total)."""
    try:
        category, lesson_id = parse_item_key(item)
    except ValueError:
        raise GradebookError(_("Unknown gradebook item.")) from None
    if item == TOTAL_KEY:
        return item
    lesson = Lesson.objects.filter(pk=lesson_id, course=course).select_related("quiz").first()
    if lesson is None or (category == Category.QUIZ and not hasattr(lesson, "quiz")):
        raise GradebookError(_("Unknown gradebook item."))
    return item


def _checked_student(*, course: Course, student) -> None:
    if not Enrollment.objects.filter(course=course, user=student, role=Enrollment.Role.STUDENT).exists():
        raise GradebookError(_("Grades are only kept for the course's students."))


def _checked_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise GradebookError(_("Say why: the reason is kept in the audit trail."))
    return reason


@transaction.atomic
def grade_override_set(*, course: Course, student, item: str, value, reason: str, actor) -> GradeOverride:
    """Set the instructor's value for one item (or the total). Setting the same value and reason again changes nothing."""
    item = _checked_item(course=course, item=item)
    value = _checked_value(value)
    reason = _checked_reason(reason)
    _checked_student(course=course, student=student)
    override = GradeOverride.objects.select_for_update().filter(course=course, student=student, item_key=item).first()
    if override is not None and override.value == value and override.reason == reason:
        return override
    old = override.value if override is not None else None
    if override is None:
        override = GradeOverride.objects.create(
            course=course, student=student, item_key=item, value=value, reason=reason, set_by=actor
        )
    else:
        override.value, override.reason, override.set_by = value, reason, actor
        override.save(update_fields=["value", "reason", "set_by", "updated_at"])
    audit_record(
        course=course, actor=actor, action=Action.OVERRIDE_SET, target=item, subject=student,
        changes={"item": item, "value": [old, value]}, reason=reason,
    )
    grade_override_changed.send(sender=GradeOverride, course=course, student=student, item=item)
    standings_refresh(course=course, user_ids=[student.pk])
    return override


@transaction.atomic
def grade_override_clear(*, course: Course, student, item: str, actor, reason: str = "") -> bool:
    """Remove an override so the computed value shows again; True when there was one to remove."""
    reason = (reason or "").strip()
    override = GradeOverride.objects.select_for_update().filter(course=course, student=student, item_key=item).first()
    if override is None:
        return False
    audit_record(
        course=course, actor=actor, action=Action.OVERRIDE_CLEAR, target=item, subject=student,
        changes={"item": item, "value": [override.value, None]}, reason=reason,
    )
    override.delete()
    grade_override_changed.send(sender=GradeOverride, course=course, student=student, item=item)
    standings_refresh(course=course, user_ids=[student.pk])
    return True
