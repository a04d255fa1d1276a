"""The one audit API of the site: every app records what staff changed in a course here, with a typed action.

`audit_record` writes one `AuditEntry` in the caller's transaction (it commits or rolls back with the change
it records); `audit_trail` and `audit_about` read them.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models
from django.db.models import QuerySet
from django.utils import formats, timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext

from courses.models import AuditEntry, Course

Action = AuditEntry.Action


def _jsonable(value):
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [_jsonable(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def audit_record(
    *, course: Course | None = None, course_id: int | None = None, actor=None, action: Action, target: str = "", subject=None,
    changes: dict | None = None, reason: str = "",
) -> AuditEntry:
    """One line of the trail; `course_id` serves a caller that holds only the id (a task, a beat job)."""
    if action not in Action.values:
        raise ValueError(f"unknown audit action {action!r}")
    return AuditEntry.objects.create(
        course_id=course.pk if course is not None else course_id, actor=actor, action=action, target=str(target)[:300], subject=subject,
        changes={key: _jsonable(value) for key, value in (changes or {}).items()}, reason=reason,
    )


def audit_trail(*, course: Course, actions: list[str] | None = None) -> QuerySet[AuditEntry]:
    """The course's entries, newest first, with their actor (slice it: the page shows the latest)."""
    entries = AuditEntry.objects.filter(course=course).select_related("actor")
    return entries.filter(action__in=actions) if actions is not None else entries


def audit_about(*, course: Course, subject, actions: list[str] | None = None) -> QuerySet[AuditEntry]:
    """The entries about one person in the course (their overrides, their enrolment), newest first."""
    return audit_trail(course=course, actions=actions).filter(subject=subject)


# --------------------------------------------------------------------------- the trail in words
#
# « Modifications récentes » shows each line's changes as French phrases, not raw keys: the app that
# writes an action registers the words for its keys once (`audit_words_register`, from its AppConfig.ready),
# from its model's fields (verbose name, choices, type) and, for the action's own facts, plain labels.
# A new audited action registers its words the same way; an unregistered key falls back to any action's
# label for it, then to the key itself.


@dataclass
class _Words:
    labels: dict = field(default_factory=dict)  # key -> label (lazy translation)
    choices: dict = field(default_factory=dict)  # key -> {stored value: label}
    kinds: dict = field(default_factory=dict)  # key -> "bool", "date", "datetime", "decimal" or a callable
    wholes: set = field(default_factory=set)  # keys whose value is one fact even when it is a list (ids, changes)


_WORDS: dict[str, _Words] = {}
_ANY_ACTION = _Words()


def _kind_of(model_field) -> str | None:
    if isinstance(model_field, models.BooleanField):
        return "bool"
    if isinstance(model_field, models.DateTimeField):
        return "datetime"
    if isinstance(model_field, models.DateField):
        return "date"
    if isinstance(model_field, (models.DecimalField, models.FloatField)):
        return "decimal"
    return None


def audit_words_register(
    *, actions, model=None, labels: dict | None = None, kinds: dict | None = None, choices: dict | None = None,
    wholes: tuple = (),
) -> None:
    """The words for the keys of `actions`' changes: `model`'s fields, then `labels` / `kinds` / `choices`.

    A callable kind formats one value (an old or a new one); a key in `wholes` holds one fact even when
    it is a list of two (a list of ids), never [old, new].
    """
    words = _Words(wholes=set(wholes))
    if model is not None:
        for model_field in model._meta.concrete_fields:
            words.labels[model_field.name] = model_field.verbose_name
            if model_field.choices:
                words.choices[model_field.name] = dict(model_field.flatchoices)
            kind = _kind_of(model_field)
            if kind:
                words.kinds[model_field.name] = kind
    words.labels.update(labels or {})
    words.kinds.update(kinds or {})
    words.choices.update(choices or {})
    for action in actions:
        known = _WORDS.setdefault(str(action), _Words())
        for name in ("labels", "choices", "kinds"):
            getattr(known, name).update(getattr(words, name))
        known.wholes |= words.wholes
    for name in ("labels", "choices", "kinds"):
        for key, value in getattr(words, name).items():
            getattr(_ANY_ACTION, name).setdefault(key, value)
    _ANY_ACTION.wholes |= words.wholes


def _lookup(action: str | None, name: str, key: str):
    words = _WORDS.get(action or "")
    found = getattr(words, name).get(key) if words else None
    return found if found is not None else getattr(_ANY_ACTION, name).get(key)


def _shorten(text: str) -> str:
    return text if len(text) <= 80 else text[:77] + "…"


def audit_value_text(value, *, action: str | None = None, key: str = "") -> str:
    """One stored value as people read it: « oui »/« non », « 1 déc. 2026 », « 2,5 », a choice's label."""
    if value is None or value == "":
        return "—"
    kind = _lookup(action, "kinds", key)
    if isinstance(value, bool) or kind == "bool":
        return gettext("yes") if value else gettext("no")
    choices = _lookup(action, "choices", key)
    if choices and not isinstance(value, (list, dict)) and value in choices:
        return str(choices[value])
    if callable(kind):
        return _shorten(str(kind(value)))
    if kind in ("date", "datetime") and isinstance(value, str):
        day = parse_date(value) if kind == "date" else None
        if day is not None:
            return formats.date_format(day, "j N Y")
        moment = parse_datetime(value)
        if moment is not None:
            moment = timezone.localtime(moment) if timezone.is_aware(moment) else moment
            return formats.date_format(moment, "j N Y, H:i")
    if kind == "decimal" or isinstance(value, (float, Decimal)):
        try:
            number = Decimal(str(value))
        except ArithmeticError:
            return _shorten(str(value))
        # 0.00 → « 0 », 2.50 → « 2,50 » (as typed), 1000 → « 1000 »: the places a person wrote, the reader's mark.
        return formats.number_format(number.quantize(Decimal(1)) if number == number.to_integral_value() else number)
    if isinstance(value, list):
        return _shorten(", ".join(audit_value_text(item, action=action, key=key) for item in value))
    return _shorten(str(value))


def audit_changes_words(*, action: str | None, changes: dict) -> list[str]:
    """Each change as a phrase: « Pénalité de retard (%) : 0 → 10 », « Dates décalées de (jours) : 48 »."""
    phrases = []
    for key, value in (changes or {}).items():
        label = _lookup(action, "labels", key) or key
        label = str(label)
        label = label[:1].upper() + label[1:]
        words = _WORDS.get(action or "")
        whole = key in (words.wholes if words else set()) or key in _ANY_ACTION.wholes
        if isinstance(value, list) and len(value) == 2 and not whole:
            old, new = (audit_value_text(item, action=action, key=key) for item in value)
            phrases.append(gettext("%(label)s: %(old)s → %(new)s") % {"label": label, "old": old, "new": new})
        else:
            phrases.append(gettext("%(label)s: %(value)s") % {"label": label, "value": audit_value_text(value, action=action, key=key)})
    return phrases
