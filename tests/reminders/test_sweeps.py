import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from lessons.models import LessonProgress
from quizzes.models import Quiz
from reminders.models import EmailOptOut, Reminder
from reminders.services import reminder_sweep, reminders_send_pending, weekly_digests
from tests.factories import LessonFactory, quiz_from_gift
from tests.reminders.conftest import submit

pytestmark = pytest.mark.django_db


def decided(kind):
    return sorted(Reminder.objects.filter(kind=kind).values_list("user__username", "window"))


def test_due_soon_reaches_students_without_a_submission_once_per_window(quiz_due, cohort, now):
    first, second, third = cohort["students"]
    submit(quiz_due, second, now)
    EmailOptOut.objects.create(user=third, kind="due_soon")

    reminder_sweep(now=now)
    reminder_sweep(now=now + datetime.timedelta(minutes=30))  # a beat that fires twice
    assert decided("due_soon") == [(first.username, "48h")]

    reminder_sweep(now=now + datetime.timedelta(hours=17))  # 23 hours left
    assert decided("due_soon") == [(first.username, "24h"), (first.username, "48h")]


def test_reminder_hours_are_set_per_course(quiz_due, cohort, now):
    course = quiz_due.lesson.course
    course.reminder_hours_before_due = [72]
    course.save()
    Quiz.objects.filter(pk=quiz_due.pk).update(due_at=now + datetime.timedelta(hours=70))

    reminder_sweep(now=now)

    assert {w for _u, w in decided("due_soon")} == {"72h"}


def test_overdue_reminder_is_sent_once_and_only_if_late_work_is_accepted(quiz_due, cohort, now):
    Quiz.objects.filter(pk=quiz_due.pk).update(due_at=now - datetime.timedelta(hours=2), late_policy="accept")
    reminder_sweep(now=now)
    reminder_sweep(now=now + datetime.timedelta(hours=1))
    assert len(decided("overdue")) == 3

    Reminder.objects.all().delete()
    Quiz.objects.filter(pk=quiz_due.pk).update(late_policy="refuse")
    reminder_sweep(now=now)
    assert decided("overdue") == []


def test_inactivity_nudge_after_seven_days_once_per_quiet_spell(quiz_due, cohort, now):
    quiet, active, _other = cohort["students"]
    from courses.models import Enrollment

    Enrollment.objects.filter(course=quiz_due.lesson.course).update(created_at=now - datetime.timedelta(days=30))
    LessonProgress.objects.create(lesson=quiz_due.lesson, user=quiet, read_at=now - datetime.timedelta(days=8))
    LessonProgress.objects.create(lesson=quiz_due.lesson, user=active, read_at=now - datetime.timedelta(days=1))

    reminder_sweep(now=now)
    reminder_sweep(now=now + datetime.timedelta(hours=5))

    names = [name for name, _w in decided("inactivity")]
    assert quiet.username in names and active.username not in names
    assert names.count(quiet.username) == 1


def test_emails_are_grouped_in_the_readers_language_with_text_html_and_unsubscribe(quiz_due, cohort, now):
    english = cohort["students"][0]
    english.preferred_language = "en"
    english.save()
    second_quiz = quiz_from_gift(LessonFactory(course=quiz_due.lesson.course), due_at=now + datetime.timedelta(hours=30))

    reminder_sweep(now=now)
    sent = reminders_send_pending(now=now)

    assert sent == 3  # one e-mail per student for both quizzes
    to_english = next(m for m in mail.outbox if m.to == [english.email])
    assert to_english.subject == "Reminder: quizzes due soon"
    assert quiz_due.lesson.title in to_english.body and second_quiz.lesson.title in to_english.body
    html, mimetype = to_english.alternatives[0]
    assert mimetype == "text/html" and "<ul>" in html
    assert to_english.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    french = next(m for m in mail.outbox if m.to == [cohort["students"][1].email])
    assert french.subject.startswith("Rappel")
    assert reminders_send_pending(now=now) == 0


def test_one_click_unsubscribe_needs_no_login_and_every_sweep_respects_it(client, quiz_due, cohort, now):
    student = cohort["students"][0]
    reminder_sweep(now=now)
    reminders_send_pending(now=now)
    message = next(m for m in mail.outbox if m.to == [student.email])
    url = message.extra_headers["List-Unsubscribe"].strip("<>").split("8000", 1)[-1]

    assert "Se désabonner" in client.get(url).content.decode()  # a GET changes nothing (link scanners)
    assert not EmailOptOut.objects.filter(user=student).exists()
    client.post(url)

    assert EmailOptOut.objects.filter(user=student, kind="due_soon").exists()
    reminder_sweep(now=now + datetime.timedelta(hours=17))
    assert student.username not in [name for name, _w in decided("due_soon") if _w == "24h"]
    assert client.get(url.replace("unsubscribe/", "unsubscribe/x")).status_code == 404


def test_mail_server_failures_are_retried_with_backoff_then_marked_failed(settings, quiz_due, cohort, now):
    settings.EMAIL_BACKEND = "tests.reminders.failing_backend.FailingBackend"
    reminder_sweep(now=now)
    reminder = Reminder.objects.filter(user=cohort["students"][0]).get()

    delays = []
    when = now
    for _attempt in range(5):
        reminders_send_pending(now=when)
        reminder.refresh_from_db()
        if reminder.next_attempt_at:
            delays.append(round((reminder.next_attempt_at - when).total_seconds() / 60))
            assert reminders_send_pending(now=when) == 0  # not before its time
            when = reminder.next_attempt_at
    assert delays == [2, 4, 8, 16]
    assert reminder.status == "failed" and "SMTP" in reminder.last_error

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # A server that is down stops each run at its first message: the others did not spend their tries and go now.
    assert reminders_send_pending(now=when + datetime.timedelta(days=1)) == 2
    assert cohort["students"][0].email not in [m.to[0] for m in mail.outbox]  # failed stays failed until an admin retries


def test_weekly_digest_for_instructors_and_summary_for_students(quiz_due, cohort, now):
    submit(quiz_due, cohort["students"][0], now - datetime.timedelta(days=1))

    weekly_digests(now=now)
    weekly_digests(now=now + datetime.timedelta(hours=2))
    reminders_send_pending(now=now)

    digest = next(m for m in mail.outbox if m.to == [cohort["instructor"].email])
    assert "1 tentative remise cette semaine" in digest.body
    summaries = [m for m in mail.outbox if m.to != [cohort["instructor"].email]]
    assert len(summaries) == 3
    late = next(m for m in summaries if m.to == [cohort["students"][1].email])
    assert quiz_due.lesson.title in late.body  # still due for this student


def test_send_reminders_dry_run_lists_and_writes_nothing(quiz_due, cohort):
    out = io.StringIO()
    call_command("send_reminders", "--dry-run", stdout=out)

    # Plain sentences (in the site's language): who, what, about which quiz.
    assert f"recevrait « Test bientôt dû » au sujet de « {quiz_due.lesson.title} »." in out.getvalue()
    assert "3 rappels seraient décidés ; rien n’a été enregistré ni envoyé (simulation)." in out.getvalue()
    assert not Reminder.objects.exists() and not mail.outbox

    call_command("send_reminders", stdout=io.StringIO())
    call_command("send_reminders", stdout=out)
    assert len(mail.outbox) == 3


def test_preferences_page_turns_kinds_off_and_on(client, quiz_due, cohort):
    student = cohort["students"][0]
    client.force_login(student)
    url = reverse("reminders:preferences")

    page = client.get(url).content.decode()
    assert "Test bientôt dû" in page or "due_soon" in page
    client.post(url, {
        "overdue": "on", "inactivity": "on", "replies": "on", "student_summary": "on", "reviews": "on",
        "essay_graded": "on", "grade_entered": "on", "override_granted": "on", "post_hidden": "on",
    })

    assert list(EmailOptOut.objects.filter(user=student).values_list("kind", flat=True)) == ["due_soon"]


def test_calendar_feed_is_signed_and_lists_due_dates(client, quiz_due, cohort):
    student = cohort["students"][0]
    client.force_login(student)
    feed = client.get(reverse("reminders:preferences")).context["calendar_url"].split("testserver", 1)[-1]
    client.logout()

    response = client.get(feed)

    body = response.content.decode()
    assert response["Content-Type"].startswith("text/calendar")
    assert "BEGIN:VEVENT" in body and f"quiz-{quiz_due.pk}-due" in body
    assert client.get(feed.replace(".ics", "x.ics")).status_code == 404


@pytest.mark.parametrize("students", [20, 200])
def test_sweep_queries_grow_with_batches_not_students(django_assert_max_num_queries, now, students):
    from tests.factories import UserFactory
    from courses.models import Enrollment

    lesson = LessonFactory()
    for n in range(5):
        quiz_from_gift(LessonFactory(course=lesson.course), due_at=now + datetime.timedelta(hours=20 + n))
    users = [UserFactory() for _ in range(students)]
    Enrollment.objects.bulk_create([Enrollment(course=lesson.course, user=u) for u in users])

    # An upper bound, not a pin: bulk inserts go in batches whose size the database sets (SQLite's
    # variable limit makes more of them), so the count grows with batches, never with each student.
    with django_assert_max_num_queries(50):
        report = reminder_sweep(now=now)
    assert len(report.decided) == 5 * students


def test_instructor_digest_names_students_at_risk_and_questions_to_review(quiz_due, cohort, now, settings):
    settings.ITEM_ANALYSIS_MIN_ATTEMPTS = 2  # two answers are enough here (tests/gradebook/test_small_samples.py)
    from courses.models import Enrollment
    from quizzes.models import Response
    from quizzes.services import attempt_start, attempt_submit

    Enrollment.objects.filter(course=quiz_due.lesson.course).update(created_at=now - datetime.timedelta(days=30))
    quiet = cohort["students"][2]
    # Two students answer "Capitale" right; the question is then too easy for the item analysis.
    for student in cohort["students"][:2]:
        attempt = attempt_start(quiz=quiz_due, user=student)
        capitale = quiz_due.questions.get(title="Capitale")
        attempt_submit(attempt_id=attempt.pk, answers={str(capitale.pk): capitale.data["answers"][0]["id"], next(
            str(q.pk) for q in quiz_due.questions.filter(title="Essai")): "Texte"})
    for response in Response.objects.filter(question__title="Essai"):
        from quizzes.services import response_grade_manually

        response_grade_manually(response_id=response.pk, grader=cohort["instructor"], score=1)

    weekly_digests(now=now)
    reminders_send_pending(now=now)

    digest = next(m for m in mail.outbox if m.to == [cohort["instructor"].email])
    assert quiet.display_name in digest.body.split("Étudiant·e·s à risque")[1].split("Questions à revoir")[0]
    assert "Capitale (trop facile)" in digest.body


def test_the_unsubscribe_page_does_not_show_the_email_address(client, cohort):
    from reminders.tokens import unsubscribe_token

    student = cohort["students"][0]
    url = reverse("reminders:unsubscribe", kwargs={"token": unsubscribe_token(user_id=student.pk, kind="due_soon")})

    asked, done = client.get(url), client.post(url)

    for response in (asked, done):
        assert response.status_code == 200
        assert student.email not in response.content.decode()
        assert student.email.split("@")[0] not in response.content.decode()
    assert EmailOptOut.objects.filter(user=student, kind="due_soon").exists()
