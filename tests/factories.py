import factory
from django.contrib.auth import get_user_model

from courses.models import Course, Enrollment
from lessons.models import DiscussionPrompt, Lesson

PASSWORD = "correct horse battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    first_name = factory.Faker("first_name", locale="fr_CA")
    last_name = factory.Faker("last_name", locale="fr_CA")
    password = factory.django.Password(PASSWORD)


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course

    slug = factory.Sequence(lambda n: f"cours-{n}")
    title = factory.Sequence(lambda n: f"Cours {n}")


class EnrollmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrollment

    course = factory.SubFactory(CourseFactory)
    user = factory.SubFactory(UserFactory)
    role = Enrollment.Role.STUDENT


class LessonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lesson

    course = factory.SubFactory(CourseFactory)
    source_key = factory.Sequence(lambda n: f"lecon-{n}")
    slug = factory.Sequence(lambda n: f"lecon-{n}")
    position = factory.Sequence(lambda n: n + 100)
    title = factory.Sequence(lambda n: f"Leçon {n}")
    summary = "Résumé. Deuxième phrase."
    objectives = ["Comprendre", "Appliquer", "Analyser"]
    blocks = [{"kind": "paragraph", "text": "Un paragraphe de lecture."}]
    word_count = 4


class DiscussionPromptFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DiscussionPrompt

    lesson = factory.SubFactory(LessonFactory)
    position = factory.Sequence(lambda n: n + 1)
    title = "Question"
    body = "Qu’en pensez-vous ?"
