"""The quiz audit log moves into the course's one audit trail (courses.AuditEntry), then its table goes."""

from django.db import migrations

ACTIONS = {"import": "quiz_import", "regrade": "regrade", "manual_grade": "manual_grade", "auto_submit": "auto_submit"}


def copy_lines(apps, schema_editor):
    QuizAuditLog = apps.get_model("quizzes", "QuizAuditLog")
    AuditEntry = apps.get_model("courses", "AuditEntry")
    for line in QuizAuditLog.objects.select_related("quiz__lesson").order_by("pk").iterator():
        entry = AuditEntry.objects.create(
            course_id=line.quiz.lesson.course_id, actor_id=line.actor_id, action=ACTIONS.get(line.action, line.action),
            target=line.quiz.lesson.title, changes=line.details or {},
        )
        AuditEntry.objects.filter(pk=entry.pk).update(created_at=line.created_at)


class Migration(migrations.Migration):
    dependencies = [("quizzes", "0003_question_is_hidden"), ("courses", "0003_auditentry")]

    operations = [
        migrations.RunPython(copy_lines, migrations.RunPython.noop),
        migrations.DeleteModel(name="QuizAuditLog"),
    ]
