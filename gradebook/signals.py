"""The gradebook's events, and what it asks the apps above it for without importing them."""

from django.dispatch import Signal

from courses.signals import answers_merged

# Sent inside the transaction that set or cleared an override: course=..., student=..., item="quiz:12".
grade_override_changed = Signal()
# Sent inside the transaction that entered, changed or cleared a manual grade: course=..., student=...,
# item="manual:7". (An LMS column per manual item would listen here; see decision 0021.)
manual_grade_changed = Signal()

# kwargs: quiz, course. A receiver returns {template context key: value} for the quiz statistics page
# (the spaced review's retention per question and per lesson).
quiz_statistics_requested = Signal()
# kwargs: course, user. A receiver returns {template context key: value} for the student's progress page
# (the spaced review's summary).
progress_page_requested = Signal()


def quiz_statistics_extras(*, quiz, course) -> dict:
    return answers_merged(quiz_statistics_requested, quiz=quiz, course=course)


def progress_page_extras(*, course, user) -> dict:
    return answers_merged(progress_page_requested, course=course, user=user)
