"""The override audit trail moves into the course's one audit trail (courses.AuditEntry), then its table goes."""

from django.db import migrations


def copy_lines(apps, schema_editor):
    GradeOverrideLog = apps.get_model("gradebook", "GradeOverrideLog")
    AuditEntry = apps.get_model("courses", "AuditEntry")
    for line in GradeOverrideLog.objects.order_by("pk").iterator():
        old = str(line.old_value) if line.old_value is not None else None
        new = str(line.new_value) if line.new_value is not None else None
        entry = AuditEntry.objects.create(
            course_id=line.course_id, actor_id=line.actor_id, action="override_clear" if new is None else "override_set",
            target=line.item_key, subject_id=line.student_id, changes={"item": line.item_key, "value": [old, new]},
            reason=line.reason,
        )
        AuditEntry.objects.filter(pk=entry.pk).update(created_at=line.created_at)


class Migration(migrations.Migration):
    dependencies = [("gradebook", "0003_standings_beat_schedule"), ("courses", "0003_auditentry")]

    operations = [
        migrations.RunPython(copy_lines, migrations.RunPython.noop),
        migrations.DeleteModel(name="GradeOverrideLog"),
    ]
