from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lessons.seed_documents import SeedFileError
from lessons.services import course_import


class Command(BaseCommand):
    help = "Create or update the course and its lessons from a seed folder (idempotent; never deletes student work)."

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, help="Folder holding course.yml and the seed documents.")

    def handle(self, *args, directory: Path, **options):
        try:
            report = course_import(directory=directory)
        except SeedFileError as exc:
            raise CommandError(f"Nothing was imported. {exc}") from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Course “{report.course.slug}”: {len(report.created)} lessons created, "
                f"{len(report.updated)} updated, {len(report.unchanged)} unchanged."
            )
        )
        for line in report.extra_steps:
            self.stdout.write(line)
