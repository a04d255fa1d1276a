import pytest
from django.test import Client

from courses.models import AuditEntry, Enrollment
from tests.factories import EnrollmentFactory, LessonFactory, quiz_from_gift

STUDIO_GIFT = """::Push:: Que fait une stratégie Push ? {
  =Elle pousse le produit vers le client. #Oui.
  ~Elle attire le client vers le produit. #Non, c’est le Pull.
}

::Réseau:: L’effet de réseau augmente avec le nombre d’utilisateurs. {T}

::Médias:: Associez. {
  =Paid -> Acheté
  =Earned -> Mérité
  =Owned -> Possédé
}
"""


@pytest.fixture
def studio(db):
    """A small course of our own: two lessons, a quiz of three questions, and one person per role."""
    lesson = LessonFactory(slug="push-pull", title="Push et Pull", position=1)
    course = lesson.course
    other = LessonFactory(course=course, slug="reseaux", title="Réseaux", position=2)
    quiz = quiz_from_gift(lesson, STUDIO_GIFT)
    people = {
        "instructor": EnrollmentFactory(course=course, role=Enrollment.Role.INSTRUCTOR).user,
        "assistant": EnrollmentFactory(course=course, role=Enrollment.Role.TEACHING_ASSISTANT).user,
        "student": EnrollmentFactory(course=course).user,
        "outsider": EnrollmentFactory().user,
    }
    # The set-up's own quiz import is in the course's audit trail; these tests look at what the studio adds.
    AuditEntry.objects.all().delete()
    return {"course": course, "lesson": lesson, "other": other, "quiz": quiz, **people}


@pytest.fixture
def prof(studio):
    client = Client()
    client.force_login(studio["instructor"])
    return client


def url(studio, path=""):
    return f"/courses/{studio['course'].slug}/studio/{path}"
