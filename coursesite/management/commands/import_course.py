from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from coursesite.content_import import course_content_import
from coursesite.progress import progress_bar
from lessons.seed_documents import SeedFileError


class Command(BaseCommand):
    help = "Create or update the course, its lessons and their quizzes from a seed folder (idempotent; never deletes student work)."

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, help="Folder holding course.yml and the seed documents.")
        parser.add_argument(
            "--force", action="store_true",
            help="Also overwrite lessons edited in the site since the last import (otherwise skipped and listed).",
        )

    def handle(self, *args, directory: Path, force: bool = False, **options):
        try:
            # Lessons, then one quiz each: the count of GIFT files is the work after the lessons.
            with progress_bar(stream=self.stdout, total=None, unit="items", desc="import") as progress:
                report = course_content_import(directory=directory, force=force, progress=progress)
        except SeedFileError as exc:
            raise CommandError(f"Nothing was imported. {exc}") from exc
        lessons = report.lessons
        self.stdout.write(
            self.style.SUCCESS(
                f"Course “{lessons.course.slug}”: {len(lessons.created)} lessons created, "
                f"{len(lessons.updated)} updated, {len(lessons.unchanged)} unchanged, {len(lessons.skipped)} skipped."
            )
        )
        for slug, fields in lessons.skipped:
            self.stdout.write(self.style.WARNING(
                f"  skipped “{slug}”: edited in the site since the last import; the import would change: "
                f"{', '.join(fields) or 'nothing'} (run with --force to overwrite)"
            ))
        for slug, quiz_report in report.quizzes.items():
            self.stdout.write(f"  quiz of “{slug}”: {quiz_report.summary()}")
