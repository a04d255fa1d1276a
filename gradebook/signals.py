from django.dispatch import Signal

# Sent inside the transaction that set or cleared an override: course=..., student=..., item="quiz:12".
grade_override_changed = Signal()
