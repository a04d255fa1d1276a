"""`seed_demo` gives the demo students review cards and reviews, so the page and the statistics show something."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from review.models import Card, ReviewLog

pytestmark = pytest.mark.django_db


def test_seed_demo_gives_cards_and_reviews_once(course, client):
    call_command("seed_demo", "--students", "12")
    first = (Card.objects.count(), ReviewLog.objects.count())
    call_command("seed_demo", "--students", "12")
    assert (Card.objects.count(), ReviewLog.objects.count()) == first
    assert Card.objects.filter(user__username="etudiant2").exists()
    assert not Card.objects.filter(user__username="etudiant1").exists()  # etudiant1 starts from nothing
    assert ReviewLog.objects.filter(source="review").count() > 0
    assert ReviewLog.objects.filter(source="quiz").count() == first[0]

    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="prof"))
    lesson = course.lessons.order_by("position").first()
    page = client.get(reverse("courses:gradebook:quiz", kwargs={"course": course.slug, "lesson": lesson.slug}))
    assert any(row.cards for row in page.context["retention"])
