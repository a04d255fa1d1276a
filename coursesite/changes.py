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
