from django.core.management.base import BaseCommand, CommandError

from lessons.models import Lesson
from quizzes.gift import write_gift
from quizzes.models import Question
from quizzes.question_data import gift_from_question


class Command(BaseCommand):
    help = "Write a lesson's active quiz questions as GIFT (standard output), readable by import_gift."

    def add_arguments(self, parser):
        parser.add_argument("--lesson", required=True)
        parser.add_argument("--course", default=None)

    def handle(self, *args, lesson: str, course, **options):
        lessons = Lesson.objects.filter(slug=lesson)
        if course:
            lessons = lessons.filter(course__slug=course)
        found = list(lessons[:2])
        if len(found) != 1:
            raise CommandError(f"No single lesson with the slug “{lesson}”.")
        questions = Question.objects.filter(quiz__lesson=found[0], is_active=True).order_by("position")
        self.stdout.write(write_gift(gift_from_question(q) for q in questions), ending="")
