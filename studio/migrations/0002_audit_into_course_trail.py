"""The studio's audit lines move into the course's one audit trail (courses.AuditEntry), then its table goes."""

from django.db import migrations


def copy_lines(apps, schema_editor):
    StudioAuditLog = apps.get_model("studio", "StudioAuditLog")
    AuditEntry = apps.get_model("courses", "AuditEntry")
    for line in StudioAuditLog.objects.order_by("pk").iterator():
        changes = dict(line.changes or {})
        subject_id = None
        if line.action.startswith("enrollment_"):
            user_id = changes.pop("user_id", None)
            subject_id = user_id[0] if isinstance(user_id, list) else user_id
        entry = AuditEntry.objects.create(
            course_id=line.course_id, actor_id=line.actor_id, action=line.action, target=line.target,
            subject_id=subject_id, changes=changes,
        )
        AuditEntry.objects.filter(pk=entry.pk).update(created_at=line.created_at)


class Migration(migrations.Migration):
    dependencies = [("studio", "0001_initial"), ("courses", "0003_auditentry")]

    operations = [
        migrations.RunPython(copy_lines, migrations.RunPython.noop),
        migrations.DeleteModel(name="StudioAuditLog"),
    ]
