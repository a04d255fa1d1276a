"""Writes for the gradebook: the grading scheme, instructors' overrides, the course's own categories and
manual items with their grades (one by one from the grid, or a CSV).

Overrides follow the moderation pattern: check, act, do nothing when already
in the wanted state, and write an audit row (`courses.audit`) for every
change.
"""

import csv
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import transaction
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from coursesite.changes import changes_apply
from coursesite.errors import ActionRefused
from courses.audit import Action, audit_record
from courses.models import Course, Enrollment
from gradebook.computation import CUSTOM_PREFIX, TOTAL_KEY, Category, letter_scale_from_json, parse_item_key
from gradebook.models import GradeCategory, GradeOverride, GradingScheme, ManualGrade, ManualItem
from gradebook.signals import grade_override_changed, manual_grade_changed
from gradebook.standings import standings_class_changed, standings_refresh
from lessons.models import Lesson
from notifications.services import notifications_create

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
def grading_scheme_update(*, course: Course, actor=None, extra_weight: int | None = None, **values) -> GradingScheme:
    """Change the weights, participation credits, late penalty or letter scale; only changed fields are saved.

    The one grading-settings write, whichever page asks: a person's change (`actor`) goes to the course's
    audit trail as {field: [old, new]}, against the defaults before the first save. `extra_weight` (the sum
    of the course's own categories' weights) is `grade_categories_save`'s to pass: the weights of the three
    automatic categories and it must add up to 100.
    """
    unknown = set(values) - set(SCHEME_FIELDS)
    if unknown:
        raise TypeError(f"unknown scheme fields: {sorted(unknown)}")
    if extra_weight is not None:
        values["extra_weight"] = extra_weight
    scheme = GradingScheme.objects.select_for_update().filter(course=course).first() or GradingScheme(course=course)
    if "letter_scale" in values:
        try:
            letters = letter_scale_from_json(values["letter_scale"])
        except ValueError as exc:
            raise GradebookError(str(exc)) from exc
        values["letter_scale"] = [{"letter": g.letter, "min": _json_number(g.minimum)} for g in letters]
    changes = changes_apply(scheme, values)
    changed = list(changes)
    if scheme.quiz_weight + scheme.participation_weight + scheme.reading_weight + scheme.extra_weight != 100:
        if scheme.extra_weight:
            raise GradebookError(
                _("The weights must add up to 100 (the course's own categories take %(extra)d).") % {"extra": scheme.extra_weight}
            )
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


# --------------------------------------------------------------------------- categories and manual items

BUILTIN_WEIGHT_FIELDS = {
    Category.QUIZ: "quiz_weight", Category.PARTICIPATION: "participation_weight", Category.READING: "reading_weight",
}


@dataclass(frozen=True)
class CategoryWeight:
    """One of the course's own categories as a form sends it: id None for a new one."""

    title: str
    weight: int
    id: int | None = None


@transaction.atomic
def grade_categories_save(
    *, course: Course, actor, quiz_weight: int, participation_weight: int, reading_weight: int,
    categories: list[CategoryWeight],
) -> list[GradeCategory]:
    """Set every category's weight at once: the three automatic ones and the course's own (added, renamed,
    reweighted, or removed when they hold no item). All weights must add up to 100, as the scheme checks."""
    kept = {c.pk: c for c in GradeCategory.objects.select_for_update().filter(course=course)}
    titles = [c.title.strip() for c in categories]
    if any(not title for title in titles):
        raise GradebookError(_("Each category needs a title."))
    if len({title.casefold() for title in titles}) != len(titles):
        raise GradebookError(_("Two categories have the same title."))
    if any(not (0 <= c.weight <= 100) for c in categories):
        raise GradebookError(_("A weight is a whole number between 0 and 100."))
    if any(c.id is not None and c.id not in kept for c in categories):
        raise GradebookError(_("Unknown category."))
    removed = set(kept) - {c.id for c in categories if c.id is not None}
    if removed and ManualItem.objects.filter(category_id__in=removed).exists():
        raise GradebookError(_("A category that holds items cannot be removed: move or delete its items first."))
    changes: dict = {}
    # The scheme first: it refuses weights that do not add up to 100 before anything else is written.
    grading_scheme_update(
        course=course, actor=actor, quiz_weight=quiz_weight, participation_weight=participation_weight,
        reading_weight=reading_weight, extra_weight=sum(c.weight for c in categories),
    )
    for pk in removed:
        changes[kept[pk].title] = [kept[pk].weight, None]
    GradeCategory.objects.filter(pk__in=removed).delete()
    saved, renamed = [], []
    for position, (wanted, title) in enumerate(zip(categories, titles)):
        category = kept.get(wanted.id) if wanted.id is not None else None
        if category is None:
            category = GradeCategory(course=course)
            changes[title] = [None, wanted.weight]
        elif (category.title, category.weight) != (title, wanted.weight):
            changes[title if category.title == title else f"{category.title} → {title}"] = [category.weight, wanted.weight]
        if category.pk is not None and category.title != title:
            renamed.append(category.pk)
        category.title, category.weight, category.position = title, wanted.weight, position
        saved.append(category)
    # Renames may swap two titles: move the renamed ones out of the unique titles' way first
    # (a zero-width space and the id: no title a person types).
    for pk in renamed:
        GradeCategory.objects.filter(pk=pk).update(title=f"\u200b{pk}")
    for category in saved:
        category.save()
    if changes:
        audit_record(course=course, actor=actor, action=Action.GRADE_CATEGORIES, target=course.title, changes=changes)
    standings_refresh(course=course)
    return saved


def _category_choice(*, course: Course, category: str) -> tuple[str, GradeCategory | None]:
    """("quiz" | "participation" | "reading", None) or ("", the course's own category) from "custom:<id>"."""
    if category in BUILTIN_WEIGHT_FIELDS:
        return category, None
    prefix, _sep, pk = category.partition(":")
    if prefix == CUSTOM_PREFIX and pk.isdigit():
        own = GradeCategory.objects.filter(course=course, pk=int(pk)).first()
        if own is not None:
            return "", own
    raise GradebookError(_("Unknown category."))


def _points(value, *, maximum: Decimal | None = None) -> Decimal:
    """A number of points typed as "17", "17,5" or "17.5", checked against the item's maximum."""
    text = str(value).replace("\u00a0", "").replace(" ", "").replace(",", ".").strip()
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise GradebookError(_("“%(value)s” is not a number.") % {"value": str(value).strip()}) from None
    if not number.is_finite():
        raise GradebookError(_("“%(value)s” is not a number.") % {"value": str(value).strip()})
    number = number.quantize(VALUE_PLACES, rounding=ROUND_HALF_UP)
    if number < 0 or number >= Decimal("100000"):
        raise GradebookError(_("Points are between 0 and the item's maximum."))
    if maximum is not None and number > maximum:
        raise GradebookError(_("%(points)s is more than the maximum of %(max)s.") % {
            "points": _shown(number), "max": _shown(maximum),
        })
    return number


def _shown(number: Decimal) -> str:
    """17.50 as "17,5" in French, 20.00 as "20": as the instructor would write it."""
    exact = number.to_integral_value() if number == number.to_integral_value() else number.normalize()
    return number_format(exact)


@transaction.atomic
def manual_item_save(
    *, course: Course, actor, title: str, category: str, max_points, weight: int = 1, due_at=None, item: ManualItem | None = None,
) -> ManualItem:
    """Add a manual item (or change one): title, category ("quiz"… or "custom:<id>"), weight in its category,
    maximum points and an optional due date. Lowering the maximum under a grade already entered is refused."""
    title = (title or "").strip()
    if not title:
        raise GradebookError(_("The item needs a title."))
    builtin, own = _category_choice(course=course, category=category)
    maximum = _points(max_points)
    if maximum <= 0:
        raise GradebookError(_("The maximum is more than 0 points."))
    if not isinstance(weight, int) or not (1 <= weight <= 100):
        raise GradebookError(_("The weight in its category is a whole number from 1 to 100."))
    duplicate = ManualItem.objects.filter(course=course, title__iexact=title)
    if item is not None:
        if item.course_id != course.pk:
            raise GradebookError(_("Unknown gradebook item."))
        item = ManualItem.objects.select_for_update().get(pk=item.pk)
        duplicate = duplicate.exclude(pk=item.pk)
        if item.grades.filter(points__gt=maximum).exists():
            raise GradebookError(_("Some grades are above that maximum: change them first."))
    if duplicate.exists():
        raise GradebookError(_("Another item already has that title."))
    grading_scheme_ensure(course=course)  # the frame learns from the saved scheme that the course has items
    if item is None:
        item = ManualItem(course=course, position=ManualItem.objects.filter(course=course).count())
    changes = changes_apply(item, {
        "title": title, "builtin_category": builtin, "category": own, "weight": weight, "max_points": maximum, "due_at": due_at,
    })
    if item.pk is not None and not changes:
        return item
    created = item.pk is None
    item.save()
    audit_record(
        course=course, actor=actor, action=Action.MANUAL_ITEM, target=title,
        changes={"created": True, **changes} if created else changes,
    )
    standings_refresh(course=course)  # a new column (or new maximum, weight, due date) for every student
    return item


@dataclass(frozen=True)
class ManualGradeChange:
    item: ManualItem
    student: object
    old: Decimal | None
    new: Decimal | None

    @property
    def changed(self) -> bool:
        return self.old != self.new


def _manual_grade_write(*, item: ManualItem, student, points: Decimal | None, actor, reason: str) -> ManualGradeChange:
    """Write one grade (None clears it) and its audit line; the caller refreshes the standings and notifies."""
    grade = ManualGrade.objects.select_for_update().filter(item=item, student=student).first()
    old = grade.points if grade is not None else None
    change = ManualGradeChange(item=item, student=student, old=old, new=points)
    if not change.changed:
        return change
    if points is None:
        grade.delete()
    elif grade is None:
        ManualGrade.objects.create(item=item, student=student, points=points, set_by=actor)
    else:
        grade.points, grade.set_by = points, actor
        grade.save(update_fields=["points", "set_by", "updated_at"])
    audit_record(
        course_id=item.course_id, actor=actor, action=Action.MANUAL_ITEM_GRADE, target=item.title, subject=student,
        changes={"item": item.key, "points": [old, points]}, reason=reason,
    )
    return change


def _notify_grades_entered(*, course: Course, changes: list[ManualGradeChange]) -> None:
    """Tell each student a grade was entered (not when one is cleared), in their language."""
    by_item: dict[int, list[ManualGradeChange]] = {}
    for change in changes:
        if change.changed and change.new is not None:
            by_item.setdefault(change.item.pk, []).append(change)
    url = reverse("courses:progress", kwargs={"course": course.slug})
    for entered in by_item.values():
        item = entered[0].item
        notifications_create(
            users=[change.student for change in entered], kind="grade_entered",
            subject_key=f"gradebook.manual:{item.pk}", url=url,
            render=lambda item=item: (
                _("Grade entered: %(item)s") % {"item": item.title},
                _("Your grade for “%(item)s” in %(course)s is in the gradebook.") % {"item": item.title, "course": course.title},
            ),
        )


def _checked_manual_student(*, course: Course, student_id) -> object:
    enrollment = (
        Enrollment.objects.select_related("user")
        .filter(course=course, user_id=student_id, role=Enrollment.Role.STUDENT).first()
    )
    if enrollment is None:
        raise GradebookError(_("Grades are only kept for the course's students."))
    return enrollment.user


@transaction.atomic
def manual_grade_set(*, item: ManualItem, student, points, actor) -> ManualGradeChange:
    """Enter (or change) one student's points on a manual item; empty clears it. Entering the same points
    again changes nothing. Audited, the standing follows, the student is notified."""
    course = item.course
    _checked_manual_student(course=course, student_id=student.pk)
    value = None if points is None or str(points).strip() == "" else _points(points, maximum=item.max_points)
    change = _manual_grade_write(item=item, student=student, points=value, actor=actor, reason="")
    if change.changed:
        manual_grade_changed.send(sender=ManualGrade, course=course, student=student, item=item.key)
        standings_refresh(course=course, user_ids=[student.pk])
        _notify_grades_entered(course=course, changes=[change])
    return change


class ImportRefused(GradebookError):
    """A CSV of grades with errors: nothing was saved; `errors` names each line."""

    def __init__(self, errors: list[str]):
        super().__init__(_("Nothing was imported: fix the lines below and try again."))
        self.errors = errors


@dataclass
class GradesImport:
    changes: list[ManualGradeChange]

    @property
    def changed(self) -> list[ManualGradeChange]:
        return [change for change in self.changes if change.changed]


STUDENT_COLUMNS = {"username", "nom d'utilisateur", "nom d’utilisateur", "utilisateur", "email", "email address", "courriel",
                   "adresse courriel", "e-mail"}
MAX_IMPORT_LINES = 5000


def _read_grades_csv(*, course: Course, text: str) -> list[ManualGradeChange]:
    """Parse and check every line; ImportRefused names each bad line (nothing is written here)."""
    text = text.lstrip("\ufeff")
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise ImportRefused([_("Line 1: the file is empty.")])
    if len(lines) > MAX_IMPORT_LINES:
        raise ImportRefused([_("The file has more than %(max)d lines.") % {"max": MAX_IMPORT_LINES}])
    delimiter = ";" if lines[0].count(";") > lines[0].count(",") else ","
    rows = list(csv.reader(lines, delimiter=delimiter))
    header = [cell.strip() for cell in rows[0]]
    errors = []
    if not header or header[0].casefold() not in STUDENT_COLUMNS:
        errors.append(_("Line 1: the first column must be “username” or “email”."))
    items = {i.title.casefold(): i for i in ManualItem.objects.filter(course=course)}
    columns: list[ManualItem | None] = []
    for title in header[1:]:
        item = items.get(title.casefold())
        if item is None and title:
            errors.append(_("Line 1: no manual item is titled “%(title)s”.") % {"title": title})
        columns.append(item)
    if errors:
        raise ImportRefused(errors)
    students = {}
    for enrollment in Enrollment.objects.filter(course=course, role=Enrollment.Role.STUDENT).select_related("user"):
        user = enrollment.user
        students[user.username.casefold()] = user
        if user.email:
            students.setdefault(user.email.casefold(), user)
    current = {
        (row["item_id"], row["student_id"]): row["points"]
        for row in ManualGrade.objects.filter(item__course=course).values("item_id", "student_id", "points")
    }
    changes, seen = [], {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        who = row[0].strip()
        student = students.get(who.casefold())
        if student is None:
            errors.append(_("Line %(line)d: “%(who)s” is not a student of the course.") % {"line": number, "who": who})
            continue
        if student.pk in seen:
            errors.append(_("Line %(line)d: “%(who)s” is already on line %(first)d.") % {
                "line": number, "who": who, "first": seen[student.pk]})
            continue
        seen[student.pk] = number
        if len(row) - 1 > len(columns):
            errors.append(_("Line %(line)d: more cells than columns.") % {"line": number})
            continue
        for item, cell in zip(columns, row[1:]):
            if item is None or not cell.strip():
                continue  # an empty cell leaves the grade as it is
            try:
                points = _points(cell, maximum=item.max_points)
            except GradebookError as exc:
                errors.append(_("Line %(line)d, “%(item)s”: %(error)s") % {"line": number, "item": item.title, "error": exc})
                continue
            changes.append(ManualGradeChange(item=item, student=student, old=current.get((item.pk, student.pk)), new=points))
    if errors:
        raise ImportRefused(errors)
    return changes


@transaction.atomic
def manual_grades_import(*, course: Course, actor, text: str, dry_run: bool = False) -> GradesImport:
    """Grades from a CSV (first column the username or e-mail, then one column per manual item, titled as it is;
    decimal comma or point, "," or ";" as separator, an empty cell leaves the grade as it is). All or nothing:
    any bad line and nothing is saved, each error naming its line. `dry_run` shows what would change."""
    changes = _read_grades_csv(course=course, text=text)
    result = GradesImport(changes=changes)
    if dry_run or not result.changed:
        return result
    written = [
        _manual_grade_write(item=c.item, student=c.student, points=c.new, actor=actor, reason=_("CSV import"))
        for c in result.changed
    ]
    audit_record(
        course=course, actor=actor, action=Action.MANUAL_GRADES_IMPORT, target=course.title,
        changes={"grades": len(written), "students": len({c.student.pk for c in written})},
    )
    for change in written:
        manual_grade_changed.send(sender=ManualGrade, course=course, student=change.student, item=change.item.key)
    standings_refresh(course=course, user_ids=sorted({c.student.pk for c in written}))
    _notify_grades_entered(course=course, changes=written)
    return GradesImport(changes=written)
