"""An instructor gives one student +33 % and another a new due date; the first gets a longer timer; past the
class's due date the second is not « missing » in the gradebook and is reminded later."""

import datetime

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from courses.models import Enrollment
from reminders.models import Reminder
from reminders.services import reminder_sweep
from tests.browser.test_accessibility import log_in
from tests.factories import EnrollmentFactory, LessonFactory, quiz_from_gift

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]



def test_extra_time_and_a_new_due_date_are_followed_everywhere(live_server, page):
    lesson = LessonFactory(slug="reseaux", title="Effets de réseau")
    course = lesson.course
    class_due = timezone.localtime() + datetime.timedelta(days=2)
    quiz = quiz_from_gift(lesson, time_limit_minutes=30, due_at=class_due)
    prof = EnrollmentFactory(course=course, role=Enrollment.Role.INSTRUCTOR).user
    ann = EnrollmentFactory(course=course, user__last_name="Aubin", user__first_name="Ann").user
    bob = EnrollmentFactory(course=course, user__last_name="Bélanger", user__first_name="Bob").user
    page.set_default_timeout(30_000)

    # The instructor: +33 % for Ann on the people page, a new due date for Bob on the quiz's overrides page.
    log_in(page, live_server, prof)
    page.goto(f"{live_server.url}/courses/{course.slug}/studio/people/")
    row = page.get_by_test_id(f"person-{ann.email}")
    row.get_by_test_id("extra-time-input").fill("33")
    row.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_test_id(f"person-{ann.email}").get_by_test_id("extra-time-input")).to_have_value("33")

    page.goto(f"{live_server.url}/courses/{course.slug}/studio/quizzes/{lesson.slug}/")
    page.get_by_test_id("overrides-link").click()
    form = page.get_by_test_id("override-form")
    form.get_by_label("Pour").select_option(label=bob.display_name)
    own_due = class_due + datetime.timedelta(days=3)
    form.get_by_label("Date limite").fill(own_due.strftime("%Y-%m-%dT%H:%M"))
    form.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_test_id(f"override-{bob.username}")).to_be_visible()
    expect(page.get_by_test_id("extra-time")).to_contain_text("+33")

    # Ann sees her longer time limit and gets a 40-minute timer (30 min + 33 %, rounded up).
    log_in(page, live_server, ann)
    page.goto(f"{live_server.url}/courses/{course.slug}/lessons/{lesson.slug}/quiz/")
    expect(page.get_by_test_id("quiz-time-limit")).to_contain_text("40 minutes")
    page.get_by_role("button", name="Commencer le test").click()
    deadline = datetime.datetime.fromisoformat(page.locator("#quiz-timer").get_attribute("data-deadline"))
    assert abs((deadline - timezone.now()) - datetime.timedelta(minutes=40)) < datetime.timedelta(minutes=2)

    # Bob sees his own due date on the lesson page.
    log_in(page, live_server, bob)
    page.goto(f"{live_server.url}/courses/{course.slug}/lessons/{lesson.slug}/")
    expect(page.get_by_test_id("lesson-quiz-due")).to_contain_text("Votre date de remise")

    # A day after the class's due date: Ann's quiz is missing, Bob's is not due yet; the sweep reminds Bob of
    # his own date, not of the class's.
    with time_machine.travel(class_due + datetime.timedelta(days=1), tick=True):
        log_in(page, live_server, prof)
        page.goto(f"{live_server.url}/courses/{course.slug}/gradebook/")
        grid = page.get_by_test_id("gradebook")
        # The grid's cells: « 0 » missing (past due), « · » not due yet (their titles say so).
        ann_row = grid.locator("tr", has=page.get_by_role("link", name="Aubin, Ann"))
        bob_row = grid.locator("tr", has=page.get_by_role("link", name="Bélanger, Bob"))
        expect(ann_row.locator("td.gb-missing")).to_have_count(2)  # reading and quiz of the lesson
        expect(bob_row.locator("td.gb-missing")).to_have_count(0)
        expect(bob_row.locator("td.gb-not-due")).to_have_count(2)
        page.get_by_role("link", name="Bélanger, Bob").click()
        expect(page.get_by_text("manquant (0)")).to_have_count(0)

        reminder_sweep(now=timezone.now())
        assert not Reminder.objects.filter(user=bob, kind="overdue").exists()
        (reminded,) = Reminder.objects.filter(user=bob, kind="due_soon")
        assert reminded.context["due_at"] == own_due.replace(second=0, microsecond=0).astimezone(datetime.timezone.utc).isoformat()
    assert quiz.pk
