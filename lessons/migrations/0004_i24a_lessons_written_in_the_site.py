import hashlib
import json

from django.db import migrations, models

# As lessons.services.FINGERPRINT_FIELDS / lesson_content_fingerprint when this migration was written.
FINGERPRINT_FIELDS = (
    "slug", "title", "author", "source", "published_on", "summary", "objectives", "instructor_note", "blocks",
    "reading_markdown",
)


def fingerprint_existing_lessons(apps, schema_editor):
    """Lessons that exist already count as imported as they are: the next import updates them as before."""
    Lesson = apps.get_model("lessons", "Lesson")
    for lesson in Lesson.objects.prefetch_related("prompts"):
        content = {name: getattr(lesson, name) for name in FINGERPRINT_FIELDS}
        content["prompts"] = sorted([p.position, p.title, p.body, p.is_active] for p in lesson.prompts.all())
        lesson.import_fingerprint = hashlib.sha256(json.dumps(content, sort_keys=True, default=str).encode()).hexdigest()
        lesson.save(update_fields=["import_fingerprint"])


class Migration(migrations.Migration):

    dependencies = [
        ('lessons', '0003_lesson_is_published'),
    ]

    operations = [
        migrations.AddField(
            model_name='lesson',
            name='import_fingerprint',
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name='lesson',
            name='reading_html',
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.AddField(
            model_name='lesson',
            name='reading_markdown',
            field=models.TextField(blank=True, verbose_name='reading (Markdown)'),
        ),
        migrations.AddField(
            model_name='lesson',
            name='release_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='visible from'),
        ),
        migrations.RunPython(fingerprint_existing_lessons, migrations.RunPython.noop),
    ]
