"""The one way a service applies a set of new values to a model instance and says what changed.

Plain Python below every app. The {field: [old, new]} it returns is what the audit trail records and
what `save(update_fields=…)` needs; an empty dict means nothing changed (the write is idempotent).
"""


def changes_between(instance, values: dict) -> dict[str, list]:
    """{field: [old, new]} for the values that differ from the instance's, without touching it."""
    return {name: [getattr(instance, name), value] for name, value in values.items() if getattr(instance, name) != value}


def changes_apply(instance, values: dict) -> dict[str, list]:
    """Set the values that differ on the instance (not saved) and return {field: [old, new]} for them."""
    changes = changes_between(instance, values)
    for name, (_old, new) in changes.items():
        setattr(instance, name, new)
    return changes


def changes_save(instance, values: dict, *, allowed, touch: tuple[str, ...] = ()) -> dict[str, list]:
    """Apply the values (only fields in `allowed`), save the changed ones (plus `touch`, e.g. "updated_at"),
    and return {field: [old, new]}; nothing is saved when nothing changed."""
    unknown = set(values) - set(allowed)
    if unknown:
        raise TypeError(f"unknown fields for {type(instance).__name__}: {sorted(unknown)}")
    changes = changes_apply(instance, values)
    if changes:
        instance.save(update_fields=[*changes, *touch])
    return changes
