"""The moderation log moves into the course's one audit trail (courses.AuditEntry), then its table goes."""

from django.db import migrations


def copy_lines(apps, schema_editor):
    ModerationLog = apps.get_model("discussions", "ModerationLog")
    AuditEntry = apps.get_model("courses", "AuditEntry")
    for line in ModerationLog.objects.select_related("thread__lesson", "post").order_by("pk").iterator():
        facts = {"thread": line.thread_id, **({"post": line.post_id} if line.post_id else {})}
        entry = AuditEntry.objects.create(
            course_id=line.thread.lesson.course_id, actor_id=line.actor_id, action=line.action, target=line.thread.title,
            subject_id=line.post.author_id if line.post_id else None, changes=facts, reason=line.reason,
        )
        AuditEntry.objects.filter(pk=entry.pk).update(created_at=line.created_at)


class Migration(migrations.Migration):
    dependencies = [("discussions", "0001_initial"), ("courses", "0003_auditentry")]

    operations = [
        migrations.RunPython(copy_lines, migrations.RunPython.noop),
        migrations.DeleteModel(name="ModerationLog"),
    ]
