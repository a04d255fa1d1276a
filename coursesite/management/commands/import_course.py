from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from coursesite.content_import import course_content_import
from lessons.seed_documents import SeedFileError


class Command(BaseCommand):
    help = "Create or update the course, its lessons and their quizzes from a seed folder (idempotent; never deletes student work)."

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, help="Folder holding course.yml and the seed documents.")

    def handle(self, *args, directory: Path, **options):
        try:
            report = course_content_import(directory=directory)
        except SeedFileError as exc:
            raise CommandError(f"Nothing was imported. {exc}") from exc
        lessons = report.lessons
        self.stdout.write(
            self.style.SUCCESS(
                f"Course “{lessons.course.slug}”: {len(lessons.created)} lessons created, "
                f"{len(lessons.updated)} updated, {len(lessons.unchanged)} unchanged."
            )
        )
        for slug, quiz_report in report.quizzes.items():
            self.stdout.write(f"  quiz of “{slug}”: {quiz_report.summary()}")
