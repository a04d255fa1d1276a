from django.db import migrations

from reminders.schedule import install_beat_schedule, uninstall_beat_schedule


def install(apps, schema_editor):
    install_beat_schedule(
        PeriodicTask=apps.get_model("django_celery_beat", "PeriodicTask"),
        CrontabSchedule=apps.get_model("django_celery_beat", "CrontabSchedule"),
        IntervalSchedule=apps.get_model("django_celery_beat", "IntervalSchedule"),
    )


def uninstall(apps, schema_editor):
    uninstall_beat_schedule(PeriodicTask=apps.get_model("django_celery_beat", "PeriodicTask"))


class Migration(migrations.Migration):
    dependencies = [
        ("reminders", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(install, uninstall)]
