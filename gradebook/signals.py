"""The gradebook's events, and what it asks the apps above it for without importing them."""

from django.dispatch import Signal

# Sent inside the transaction that set or cleared an override: course=..., student=..., item="quiz:12".
grade_override_changed = Signal()

# kwargs: quiz, course. A receiver returns {template context key: value} for the quiz statistics page
# (the spaced review's retention per question and per lesson).
quiz_statistics_requested = Signal()
# kwargs: course, user. A receiver returns {template context key: value} for the student's progress page
# (the spaced review's summary).
progress_page_requested = Signal()


def _merged(signal: Signal, **kwargs) -> dict:
    merged: dict = {}
    for _receiver, extra in signal.send(sender=None, **kwargs):
        merged.update(extra or {})
    return merged


def quiz_statistics_extras(*, quiz, course) -> dict:
    return _merged(quiz_statistics_requested, quiz=quiz, course=course)


def progress_page_extras(*, course, user) -> dict:
    return _merged(progress_page_requested, course=course, user=user)
