"""Recompute every kept standing from the students' work (after a restore, or to check nothing drifted)."""

from django.core.management.base import BaseCommand, CommandError

from courses.models import Course, Enrollment
from coursesite.progress import progress_bar
from gradebook.standings import standings_rebuild


class Command(BaseCommand):
    help = "Recompute the gradebook's kept standings from scratch (all courses, or --course SLUG)."

    def add_arguments(self, parser):
        parser.add_argument("--course", help="only this course's slug")

    def handle(self, *args, course=None, **options):
        courses = Course.objects.order_by("slug")
        if course:
            courses = courses.filter(slug=course)
            if not courses.exists():
                raise CommandError(f"No course with the slug {course!r}.")
        for each in courses:
            students = Enrollment.objects.filter(course=each, role=Enrollment.Role.STUDENT).count()
            with progress_bar(stream=self.stdout, total=students, unit="students", desc=each.slug) as progress:
                count = standings_rebuild(course=each, progress=progress)
            self.stdout.write(f"{each.slug}: {count} standings rebuilt")
