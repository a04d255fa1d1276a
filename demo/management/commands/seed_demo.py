from django.core.management.base import BaseCommand, CommandError

from coursesite.progress import progress_bar
from demo.cohort import DEMO_INSTRUCTOR, DEMO_STEPS, DEMO_STUDENT_PREFIX, demo_cohort_ensure
from courses.models import Course

DEFAULT_COURSE = "marketing-numerique"


class Command(BaseCommand):
    help = "Create the demo accounts (prof, etudiant1…N) with enrolments, reading, quiz attempts and posts; idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--students", type=int, default=3, help="Number of students in all (default 3).")
        parser.add_argument("--course", default=DEFAULT_COURSE, help="Slug of the course (imported first).")

    def handle(self, *args, students: int, course: str, **options):
        if students < 3:
            raise CommandError("--students must be at least 3: etudiant1 to etudiant3 are the demo accounts.")
        try:
            course_obj = Course.objects.get(slug=course)
        except Course.DoesNotExist:
            raise CommandError(f"No course “{course}”: run `python manage.py import_course seeds/` first.") from None
        with progress_bar(stream=self.stdout, total=DEMO_STEPS, unit="steps", desc=f"{students} students") as progress:
            cohort = demo_cohort_ensure(course=course_obj, students=students, progress=progress)
        self.stdout.write(self.style.SUCCESS(f"Demo cohort ready in “{course_obj.slug}”: {students} students."))
        work = cohort.work
        self.stdout.write(
            f"Added {work['attempts']} graded attempts ({work['responses']} answers) and {work['posts']} posts."
        )
        self.stdout.write("Demo accounts (password: %s)" % cohort.password)
        self.stdout.write(f"  instructor: {DEMO_INSTRUCTOR}")
        for n in range(1, 4):
            self.stdout.write(f"  student:    {DEMO_STUDENT_PREFIX}{n}")
