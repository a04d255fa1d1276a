import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lessons.models import Lesson
from quizzes.services import GiftImportError, gift_parse_for_import, quiz_import_gift


class Command(BaseCommand):
    help = "Import a lesson's quiz from a Moodle GIFT file. With any error nothing is imported."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--lesson", required=True, help="Slug of the lesson.")
        parser.add_argument("--course", default=None, help="Slug of the course, when several have the lesson slug.")
        parser.add_argument("--dry-run", action="store_true", help="Check and report; write nothing.")
        parser.add_argument("--json", action="store_true", help='Print {"questions": [...], "errors": [...]}.')
        parser.add_argument(
            "--allow-empty", action="store_true",
            help="Accept a file without any question, which empties the quiz (refused otherwise).",
        )

    def handle(self, *args, file: Path, lesson: str, course, dry_run: bool, json: bool, allow_empty: bool, **options):
        try:
            text = file.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"{file}: cannot be read as UTF-8 text ({exc})") from exc
        result = gift_parse_for_import(text=text, allow_empty=allow_empty)
        if json:
            self.stdout.write(_dumps(result.to_json()))
        if result.errors:
            if not json:
                for error in result.errors:
                    self.stderr.write(f"{file.name}: {error}")
            raise CommandError(f"{len(result.errors)} error(s) in {file.name}: nothing was imported.", returncode=1)
        lessons = Lesson.objects.filter(slug=lesson)
        if course:
            lessons = lessons.filter(course__slug=course)
        found = list(lessons[:2])
        if len(found) != 1:
            raise CommandError(f"No single lesson with the slug “{lesson}”" + (" (use --course)" if found else "") + ".")
        try:
            report = quiz_import_gift(lesson=found[0], text=text, dry_run=dry_run, allow_empty=allow_empty)
        except GiftImportError as exc:
            raise CommandError(f"{file.name}: {exc}. Nothing was imported.") from exc
        if not json:
            prefix = "Dry run, nothing written: " if dry_run else ""
            self.stdout.write(self.style.SUCCESS(f"{prefix}{found[0].slug}: {report.summary()}"))


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
