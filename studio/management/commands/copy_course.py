import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from courses.models import Course
from coursesite.progress import progress_bar
from studio.services import StudioError, course_copy


class Command(BaseCommand):
    help = "Copy a course for a new term: lessons, prompts, quizzes, settings and scheme; no students, no posts; dates shifted."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("new_slug")
        parser.add_argument("--starts", required=True, help="First day of the new term, YYYY-MM-DD.")
        parser.add_argument("--title", default="", help="Title of the copy (default: the source's).")

    def handle(self, *args, slug: str, new_slug: str, starts: str, title: str, **options):
        try:
            starts_on = dt.date.fromisoformat(starts)
        except ValueError:
            raise CommandError(f"--starts {starts!r} is not a date in the form YYYY-MM-DD.") from None
        source = Course.objects.filter(slug=slug).first()
        if source is None:
            raise CommandError(f"No course with the slug “{slug}”.")
        try:
            with progress_bar(stream=self.stdout, total=source.lessons.count(), unit="lessons", desc=new_slug) as progress:
                copy = course_copy(course=source, new_slug=new_slug, starts_on=starts_on, title=title, progress=progress)
        except StudioError as exc:
            raise CommandError(str(exc)) from exc
        lessons = copy.lessons.count()
        self.stdout.write(self.style.SUCCESS(f"{copy.slug}: {lessons} lessons, starts {copy.starts_on.isoformat()}"))
