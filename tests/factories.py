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


SAMPLE_GIFT = """
$CATEGORY: tests/quiz

::Capitale:: Quelle est la capitale du Québec ? {
  =Québec #Oui, la ville de Québec.
  ~Montréal #Non, c’est la métropole.
  ~Gatineau #Non.
  ####La capitale nationale est la ville de Québec.
}

::Couleurs:: Lesquelles sont des couleurs primaires ? {
  ~%50%Rouge #Oui.
  ~%50%Bleu #Oui.
  ~%-100%Vert #Non, en peinture le vert est secondaire.
}

::Vrai:: Le fleuve Saint-Laurent coule vers l’est. {T#Non, il coule vers l’est.#Exact.}

::Rareté:: Quel principe de persuasion le texte ajoute-t-il ? {=rareté #Oui. =%50%manque #Presque.}

::Paires:: Associez. {
  =Paid -> Acheté
  =Earned -> Mérité
  =Owned -> Possédé
}

::Pi:: Valeur de pi à deux décimales ? {#3.14:0.005}

::Essai:: Expliquez l’effet de réseau. {}

::Intro:: Lisez attentivement les questions.
"""


def quiz_from_gift(lesson, text=SAMPLE_GIFT, **settings):
    """A lesson's quiz built through the real GIFT import, with optional quiz settings."""
    from quizzes.models import Quiz
    from quizzes.services import quiz_import_gift

    quiz = quiz_import_gift(lesson=lesson, text=text).quiz
    if settings:
        Quiz.objects.filter(pk=quiz.pk).update(**settings)
        quiz.refresh_from_db()
    return quiz


def answers_by_title(attempt, **by_title):
    """Form-style answers keyed by question title, turned into the `q-<id>` names the quiz page posts."""
    from quizzes.models import Question

    questions = {q.title: q for q in Question.objects.filter(pk__in=attempt.layout["questions"])}
    data = {}
    for title, value in by_title.items():
        question = questions[title]
        if question.type == "matching":
            for stem_id, (stem, answer) in zip(question.data["pair_ids"], question.data["pairs"]):
                if stem in value:
                    data[f"q-{question.pk}-{stem_id}"] = value[stem]
        elif question.type in ("multichoice", "multichoice_multi"):
            ids = {a["text"]: a["id"] for a in question.data["answers"]}
            data[f"q-{question.pk}"] = [ids[v] for v in value] if isinstance(value, list) else ids[value]
        else:
            data[f"q-{question.pk}"] = value
    return data
