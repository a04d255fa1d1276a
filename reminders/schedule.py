"""The default beat schedule, kept in django-celery-beat's tables so admins can see and change it.

Installed by a migration; `install_beat_schedule` takes the model classes so the
migration can pass its historical models. It only creates missing entries and
never overwrites an admin's changes.
"""

ZONE = "America/Montreal"
ENTRIES = [
    # (name, task, crontab fields or None, interval minutes or None)
    ("Reminder sweep (every hour)", "reminders.sweep", {"minute": "0", "hour": "*", "day_of_week": "*"}, None),
    ("Weekly digests and summaries (Monday 08:00)", "reminders.weekly_digests", {"minute": "0", "hour": "8", "day_of_week": "1"}, None),
    ("Send pending reminders and retries", "reminders.send_pending", None, 5),
]


def install_beat_schedule(*, PeriodicTask, CrontabSchedule, IntervalSchedule) -> None:
    for name, task, crontab, minutes in ENTRIES:
        if PeriodicTask.objects.filter(name=name).exists():
            continue
        if crontab:
            schedule, _created = CrontabSchedule.objects.get_or_create(
                day_of_month="*", month_of_year="*", timezone=ZONE, **crontab
            )
            PeriodicTask.objects.create(name=name, task=task, crontab=schedule)
        else:
            schedule, _created = IntervalSchedule.objects.get_or_create(every=minutes, period="minutes")
            PeriodicTask.objects.create(name=name, task=task, interval=schedule)


def uninstall_beat_schedule(*, PeriodicTask) -> None:
    PeriodicTask.objects.filter(name__in=[entry[0] for entry in ENTRIES]).delete()
