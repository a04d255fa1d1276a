"""What the apps above `lessons` add to the lesson page, without `lessons` importing them."""

from django.dispatch import Signal

# kwargs: lesson, user, is_staff. A receiver returns {template context key: value} for the lesson page
# (discussions: its most recent threads with reply and unread counts).
lesson_page_requested = Signal()


def lesson_page_extras(*, lesson, user, is_staff: bool) -> dict:
    merged: dict = {}
    for _receiver, extra in lesson_page_requested.send(sender=None, lesson=lesson, user=user, is_staff=is_staff):
        merged.update(extra or {})
    return merged
