"""The submit's follow-ups (review cards) leave its transaction: a durable marker on the attempt, and the beat
entry of the sweep that runs whatever the broker never delivered (docs/decisions/0022-the-exam-hour.md)."""

from django.db import migrations, models

TASK_NAME = "Run the follow-ups of submitted attempts the broker missed"


def install(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_minute, _created = IntervalSchedule.objects.get_or_create(every=1, period="minutes")
    PeriodicTask.objects.get_or_create(
        name=TASK_NAME, defaults={"task": "quizzes.sweep_attempt_followups", "interval": every_minute}
    )


def uninstall(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("quizzes", "0006_i25a_quiz_override"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.AddField(
            model_name="attempt",
            name="followups_pending",
            field=models.BooleanField(default=False, verbose_name="follow-ups pending"),
        ),
        migrations.AddIndex(
            model_name="attempt",
            index=models.Index(
                condition=models.Q(("followups_pending", True)), fields=["submitted_at"], name="attempt_followups_pending"
            ),
        ),
        migrations.RunPython(install, uninstall),
    ]
