"""Writes about courses and enrolments."""

import csv
import io
import unicodedata
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.services import invitations_create
from coursesite.changes import changes_apply, changes_between
from coursesite.errors import ActionRefused
from courses.models import Course, Enrollment
from courses.signals import student_work_changed


@dataclass(frozen=True)
class BulkEnrollmentResult:
    created_users: int
    created_enrollments: int
    already_enrolled: int


def email_looks_alike(email: str) -> bool:
    """An address that can pass for another one: letters of several alphabets (a Cyrillic « а » in a
    Latin name) or a domain in punycode ("xn--"), which shows as the real name in some mail clients.
    Accented letters are Latin; a name or domain label wholly in one other alphabet is not a look-alike."""
    local, _at, domain = email.rpartition("@")
    labels = domain.lower().split(".")
    if any(label.startswith("xn--") for label in labels):
        return True
    return any(len({unicodedata.name(char, "?").split(" ")[0] for char in part if char.isalpha()}) > 1 for part in [local, *labels])


def _too_long(*, line_number: int, email: str, first_name: str, last_name: str, group: str) -> str | None:
    """The message for a cell longer than its column, checked here: PostgreSQL refuses it with a 500,
    SQLite stores 100 KB names. The username is the address, so an address is bound by it."""
    User = get_user_model()
    bounds = (
        (email, min(User._meta.get_field("username").max_length, User._meta.get_field("email").max_length), _("address")),
        (first_name, User._meta.get_field("first_name").max_length, _("first name")),
        (last_name, User._meta.get_field("last_name").max_length, _("last name")),
        (group, Enrollment._meta.get_field("group").max_length, _("group")),
    )
    for value, bound, what in bounds:
        if len(value) > bound:
            return _("Line %(line)d: the %(what)s has %(length)d characters; the limit is %(max)d.") % {
                "line": line_number, "what": what, "length": len(value), "max": bound}
    return None


def _parse_enrollment_csv(
    text: str, *, refuse_duplicates: bool, allow_look_alikes: bool = False
) -> tuple[list[tuple[int, str, str, str, str]], list[tuple[int, str]]]:
    """Rows of (line, email, first name, last name, group), and (line, message) for every bad line."""
    rows, errors, first_line_of = [], [], {}
    reader = csv.reader(io.StringIO(text))
    for line_number, row in enumerate(reader, start=1):
        cells = [cell.strip() for cell in row]
        if not any(cells):
            continue
        email = cells[0]
        if line_number == 1 and "@" not in email:
            continue  # a header line such as "email,prénom,nom"
        try:
            validate_email(email)
        except ValidationError:
            errors.append((line_number, _("Line %(line)d: “%(value)s” is not an e-mail address.") % {"line": line_number, "value": email}))
            continue
        email = email.lower()
        if not allow_look_alikes and email_looks_alike(email):
            message = (_("Line %(line)d: “%(email)s”: this address is written with a punycode domain (xn--); check it with the person, "
                         "then tick “These addresses are right” to enrol it.") if "xn--" in email else
                       _("Line %(line)d: “%(email)s”: this address mixes alphabets (a letter that looks Latin is not); check it with "
                         "the person, then tick “These addresses are right” to enrol it."))
            errors.append((line_number, message % {"line": line_number, "email": email}))
            continue
        if refuse_duplicates and email in first_line_of:
            errors.append((line_number, _("Line %(line)d: “%(email)s” is already on line %(first)d.")
                           % {"line": line_number, "email": email, "first": first_line_of[email]}))
            continue
        padded = cells + ["", "", ""]
        too_long = _too_long(line_number=line_number, email=email, first_name=padded[1], last_name=padded[2], group=padded[3])
        if too_long:
            errors.append((line_number, too_long))
            continue
        first_line_of.setdefault(email, line_number)
        rows.append((line_number, email, padded[1], padded[2], padded[3]))
    return rows, errors


@transaction.atomic
def enrollments_bulk_create_from_csv(
    *, course: Course, csv_text: str, role: str = Enrollment.Role.STUDENT,
    refuse_duplicates: bool = False, create_missing_accounts: bool = True, invited_by=None, allow_look_alikes: bool = False,
) -> BulkEnrollmentResult:
    """Enrol every e-mail of a CSV (e-mail, first name, last name, group).

    Any bad line stops the whole import (nothing is written) and every error
    names its line: an address that is not one, a repeated address when
    `refuse_duplicates`, an address without an account unless
    `create_missing_accounts` (most often a typo), a look-alike address
    (`email_looks_alike`) unless `allow_look_alikes`, a cell longer than its
    column. New accounts get an unusable password and an invitation e-mail (from
    `invited_by`) whose link lets them choose one and lands them on the course.
    """
    rows, errors = _parse_enrollment_csv(csv_text, refuse_duplicates=refuse_duplicates, allow_look_alikes=allow_look_alikes)
    User = get_user_model()
    emails = {email for _line, email, *_rest in rows}
    # E-mails compare case-blind (the database enforces it too): "Anne@X.org" is the account of "anne@x.org".
    users = {
        user.email.lower(): user
        for user in User.objects.annotate(email_lower=Lower("email")).filter(email_lower__in=emails).order_by("pk")
    }
    if not create_missing_accounts:
        errors += [
            (line_number, _("Line %(line)d: no account has the address “%(email)s” (tick “Create accounts” to enrol it anyway).")
             % {"line": line_number, "email": email})
            for line_number, email, *_rest in rows
            if email not in users
        ]
    if errors:
        raise ValidationError([message for _line, message in sorted(errors, key=lambda error: error[0])])
    created = []
    for _line, email, first_name, last_name, _group in rows:
        if email not in users:
            user = User(username=email, email=email, first_name=first_name, last_name=last_name)
            user.set_unusable_password()
            user.save()
            users[email] = user
            created.append(user)
    invitations_create(
        users=created, invited_by=invited_by, course_title=course.title,
        landing_path=reverse("courses:detail", kwargs={"course": course.slug}),
    )
    created_users = len(created)
    existing = set(Enrollment.objects.filter(course=course, user__in=users.values()).values_list("user_id", flat=True))
    new = [
        Enrollment(course=course, user=users[email], role=role, group=group)
        for _line, email, _first, _last, group in dict((row[1], row) for row in rows).values()
        if users[email].pk not in existing
    ]
    Enrollment.objects.bulk_create(new)
    student_work_changed(user_ids=[e.user_id for e in new if e.role == Enrollment.Role.STUDENT], course_id=course.pk)
    return BulkEnrollmentResult(
        created_users=created_users, created_enrollments=len(new), already_enrolled=len(existing)
    )


INSTRUCTORS_GROUP = "Instructors"
# What an instructor may manage in the admin; the admin itself narrows it to the courses they teach.
INSTRUCTOR_ADMIN_MODELS = {
    "courses": ["course", "enrollment"],
    "lessons": ["lesson", "discussionprompt", "lessonprogress"],
    "quizzes": ["quiz", "question", "attempt", "quizauditlog"],
    "discussions": ["thread", "post", "moderationlog"],
}


@transaction.atomic
def instructor_admin_access_grant(*, user) -> None:
    """Let an instructor into the Django admin with the permissions to manage their courses."""
    from django.contrib.auth.models import Group, Permission

    group, _created = Group.objects.get_or_create(name=INSTRUCTORS_GROUP)
    wanted = Permission.objects.none()
    for app_label, models in INSTRUCTOR_ADMIN_MODELS.items():
        wanted = wanted | Permission.objects.filter(content_type__app_label=app_label, content_type__model__in=models)
    group.permissions.add(*wanted)
    user.groups.add(group)
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])


class EnrollmentError(ActionRefused):
    """A change of enrolment the rules refuse (one's own role, removing oneself); for the person who tried it."""


ENROLLMENT_EDITABLE_FIELDS = ("role", "group", "extra_time_percent")
MAX_EXTRA_TIME_PERCENT = 300  # also a database constraint


@transaction.atomic
def enrollment_update(*, enrollment: Enrollment, by, **values) -> dict[str, list]:
    """Change a person's role or group in the course, by `by` (never their own role). {field: [old, new]}."""
    unknown = set(values) - set(ENROLLMENT_EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"unknown enrolment fields: {sorted(unknown)}")
    changes = changes_between(enrollment, values)
    extra = values.get("extra_time_percent", 0)
    if not isinstance(extra, int) or not 0 <= extra <= MAX_EXTRA_TIME_PERCENT:
        raise EnrollmentError(_("Extra time is a whole percentage from 0 to %(max)d.") % {"max": MAX_EXTRA_TIME_PERCENT})
    if "role" in changes and enrollment.user_id == by.pk:
        raise EnrollmentError(_("You cannot change your own role."))
    changes_apply(enrollment, values)
    if changes:
        enrollment.save(update_fields=list(changes))
    return changes


@transaction.atomic
def enrollment_remove(*, enrollment: Enrollment, by) -> None:
    """Remove a person from the course. Their work (attempts, posts, progress) stays; re-enrolling brings it back."""
    if enrollment.user_id == by.pk:
        raise EnrollmentError(_("You cannot remove yourself from the course."))
    enrollment.delete()

