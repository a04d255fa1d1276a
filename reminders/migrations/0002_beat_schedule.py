"""Install the reminder schedule in django-celery-beat's tables, where admins can see and change it.

Only creates what is missing; an admin's later changes to these entries are never overwritten.
"""

from django.db import migrations

ZONE = "America/Montreal"
ENTRIES = [
    # (name, task, crontab fields or None, interval minutes or None)
    ("Reminder sweep (every hour)", "reminders.sweep", {"minute": "0", "hour": "*", "day_of_week": "*"}, None),
    ("Weekly digests and summaries (Monday 08:00)", "reminders.weekly_digests", {"minute": "0", "hour": "8", "day_of_week": "1"}, None),
    ("Send pending reminders and retries", "reminders.send_pending", None, 5),
]


def install(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
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


def uninstall(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name__in=[e[0] for e in ENTRIES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reminders", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(install, uninstall)]
