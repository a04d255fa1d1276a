"""Questions keep when they left the quiz (the « Corbeille »), and a daily beat entry purges the old deleted ones."""

from django.db import migrations, models

TASK_NAME = "Purge deleted questions older than 30 days"


def install(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    nightly, _created = CrontabSchedule.objects.get_or_create(
        minute="40", hour="3", day_of_week="*", day_of_month="*", month_of_year="*", timezone="America/Montreal"
    )
    PeriodicTask.objects.get_or_create(name=TASK_NAME, defaults={"task": "quizzes.purge_trash", "crontab": nightly})


def uninstall(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("quizzes", "0004_audit_into_course_trail"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.AddField(
            model_name="question",
            name="retired_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="retired at"),
        ),
        migrations.RunPython(install, uninstall),
    ]
