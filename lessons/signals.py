"""What the apps above `lessons` add to the lesson page, without `lessons` importing them."""

from django.dispatch import Signal

from courses.signals import answers_merged

# kwargs: lesson, user, is_staff. A receiver returns {template context key: value} for the lesson page
# (discussions: its most recent threads with reply and unread counts).
lesson_page_requested = Signal()


def lesson_page_extras(*, lesson, user, is_staff: bool) -> dict:
    return answers_merged(lesson_page_requested, lesson=lesson, user=user, is_staff=is_staff)
