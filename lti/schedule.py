"""The outbox's beat entry, installed by a migration (same shape as reminders/schedule.py)."""

NAME = "Send LTI scores and retries"


def install_beat_schedule(*, PeriodicTask, IntervalSchedule) -> None:
    if PeriodicTask.objects.filter(name=NAME).exists():
        return
    schedule, _created = IntervalSchedule.objects.get_or_create(every=5, period="minutes")
    PeriodicTask.objects.create(name=NAME, task="lti.send_due_scores", interval=schedule)


def uninstall_beat_schedule(*, PeriodicTask) -> None:
    PeriodicTask.objects.filter(name=NAME).delete()
