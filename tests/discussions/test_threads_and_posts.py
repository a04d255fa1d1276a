import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from courses.models import AuditEntry, Enrollment
from discussions.models import Post, PostRevision, Thread, ThreadFollow
from discussions.selectors import participation_by_student
from discussions.services import post_create, thread_create
from notifications.models import Notification
from tests.discussions.inert_html import active_content
from tests.discussions.xss_payloads import XSS_PAYLOADS
from tests.factories import EnrollmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def lesson(course):
    return course.lessons.order_by("position").first()


@pytest.fixture
def prompt_thread(lesson):
    return Thread.objects.filter(lesson=lesson, prompt__isnull=False).order_by("prompt__position").first()


@pytest.fixture
def people(course):
    return {
        "alice": EnrollmentFactory(course=course).user,
        "bob": EnrollmentFactory(course=course).user,
        "prof": EnrollmentFactory(course=course, role=Enrollment.Role.INSTRUCTOR).user,
        "ta": EnrollmentFactory(course=course, role=Enrollment.Role.TEACHING_ASSISTANT).user,
    }


def thread_url(thread):
    return reverse("courses:discussions:thread", kwargs={"course": thread.lesson.course.slug, "thread": thread.pk})


def test_each_prompt_opens_a_pinned_thread_shown_on_the_lesson_page(client, course, lesson, people):
    prompts = list(lesson.prompts.filter(is_active=True))
    threads = Thread.objects.filter(lesson=lesson, prompt__isnull=False)
    assert threads.count() == len(prompts) >= 3
    assert all(t.is_pinned for t in threads)
    client.force_login(people["alice"])

    page = client.get(reverse("courses:lessons:detail", kwargs={"course": course.slug, "lesson": lesson.slug}))

    for prompt in prompts:
        assert prompt.title.split()[0] in page.content.decode()
    assert Post.objects.get(thread=threads.first(), is_opening=True).body == threads.first().prompt.body


def test_student_answers_a_prompt_another_replies_and_the_first_gets_a_notification(client, prompt_thread, people):
    client.force_login(people["alice"])
    client.post(thread_url(prompt_thread), {"body": "Le pull me semble plus **durable**."})
    answer = Post.objects.get(thread=prompt_thread, author=people["alice"])
    assert "<strong>durable</strong>" in answer.body_html

    client.force_login(people["bob"])
    client.post(thread_url(prompt_thread) + f"?reply_to={answer.pk}", {"body": "D’accord, mais le push rapporte vite.", "reply_to": answer.pk})

    reply = Post.objects.get(thread=prompt_thread, author=people["bob"])
    assert reply.parent == answer
    assert Notification.objects.filter(user=people["alice"], read_at__isnull=True).count() == 1
    client.force_login(people["alice"])
    page = client.get(reverse("courses:my_courses")).content.decode()
    assert 'data-testid="notification-badge">1' in page


def test_reply_to_a_reply_nests_one_level_and_quotes_its_parent(prompt_thread, people):
    top = post_create(thread=prompt_thread, author=people["alice"], body="Premier")
    nested = post_create(thread=prompt_thread, author=people["bob"], body="Deuxième", reply_to=top)
    deeper = post_create(thread=prompt_thread, author=people["alice"], body="Troisième", reply_to=nested)

    assert nested.parent == top and nested.quoted is None
    assert deeper.parent == top and deeper.quoted == nested


def test_thread_page_shows_reply_and_unread_counts(client, lesson, prompt_thread, people):
    post_create(thread=prompt_thread, author=people["alice"], body="Un")
    post_create(thread=prompt_thread, author=people["alice"], body="Deux")
    client.force_login(people["bob"])
    url = reverse("courses:discussions:lesson", kwargs={"course": lesson.course.slug, "lesson": lesson.slug})

    before = client.get(url).context["threads"].object_list
    row = next(t for t in before if t.pk == prompt_thread.pk)
    assert (row.reply_count, row.unread_count) == (2, 2)

    client.get(thread_url(prompt_thread))
    row = next(t for t in client.get(url).context["threads"].object_list if t.pk == prompt_thread.pk)
    assert (row.reply_count, row.unread_count) == (2, 0)


def test_student_starts_a_thread_and_follows_it(client, lesson, people):
    client.force_login(people["alice"])
    url = reverse("courses:discussions:lesson", kwargs={"course": lesson.course.slug, "lesson": lesson.slug})

    response = client.post(url, {"title": "Le push est-il mort ?", "body": "Je me pose la question."})

    thread = Thread.objects.get(title="Le push est-il mort ?")
    assert response.status_code == 302 and not thread.is_pinned
    assert ThreadFollow.objects.filter(thread=thread, user=people["alice"], is_following=True).exists()


def test_unfollowed_thread_sends_no_notification(client, prompt_thread, people):
    post_create(thread=prompt_thread, author=people["alice"], body="Je participe")
    client.force_login(people["alice"])
    client.post(reverse("courses:discussions:follow", kwargs={"course": prompt_thread.lesson.course.slug, "thread": prompt_thread.pk}), {"follow": "0"})

    post_create(thread=prompt_thread, author=people["bob"], body="Réponse")
    post_create(thread=prompt_thread, author=people["alice"], body="Je reviens")  # writing again does not re-follow

    post_create(thread=prompt_thread, author=people["bob"], body="Encore")
    assert not Notification.objects.filter(user=people["alice"]).exists()


@pytest.mark.parametrize("body, message", [
    ("   ", "Ce champ est obligatoire"),
    ("x" * 10_001, "10000 caractères"),
])
def test_bad_post_returns_the_form_with_the_message_and_the_text(client, prompt_thread, people, body, message):
    client.force_login(people["alice"])

    response = client.post(thread_url(prompt_thread), {"body": body})

    assert response.status_code == 400
    page = response.content.decode()
    assert message in page.replace("\u202f", "").replace("\xa0", "").replace(" ", "") or message in page
    if body.strip():
        assert body in page
    assert not Post.objects.filter(author=people["alice"]).exists()


def test_posting_is_rate_limited_with_a_clear_message_and_the_text_kept(client, prompt_thread, people):
    client.force_login(people["alice"])
    for n in range(10):
        assert client.post(thread_url(prompt_thread), {"body": f"Message {n}"}).status_code == 302

    response = client.post(thread_url(prompt_thread), {"body": "Un de trop"})

    assert response.status_code == 400
    page = response.content.decode()
    assert "10 messages" in page and "Un de trop" in page
    assert Post.objects.filter(author=people["alice"]).count() == 10


def test_locked_thread_is_read_only(client, prompt_thread, people):
    client.force_login(people["prof"])
    client.post(reverse("courses:discussions:thread_moderate", kwargs={"course": prompt_thread.lesson.course.slug, "thread": prompt_thread.pk}), {"action": "lock"})
    client.force_login(people["alice"])

    response = client.post(thread_url(prompt_thread), {"body": "Trop tard ?"})

    assert response.status_code == 400
    assert "verrouillé" in response.content.decode()
    assert not Post.objects.filter(author=people["alice"]).exists()


def test_author_edits_within_thirty_minutes_and_staff_see_the_history(client, prompt_thread, people):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        post = post_create(thread=prompt_thread, author=people["alice"], body="Première version")
        client.force_login(people["alice"])
        edit = reverse("courses:discussions:post_edit", kwargs={"course": prompt_thread.lesson.course.slug, "post": post.pk})

        client.post(edit, {"body": "Version corrigée"})
        post.refresh_from_db()
        assert post.body == "Version corrigée" and post.edited_at
        assert "(modifié)" in client.get(thread_url(prompt_thread)).content.decode()

        clock.shift(datetime.timedelta(minutes=31))
        response = client.post(edit, {"body": "Trop tard"})
        assert response.status_code == 400 and "30 minutes" in response.content.decode()

    history = reverse("courses:discussions:post_history", kwargs={"course": prompt_thread.lesson.course.slug, "post": post.pk})
    assert client.get(history).status_code == 403
    client.force_login(people["ta"])
    assert "Première version" in client.get(history).content.decode()
    assert PostRevision.objects.filter(post=post).count() == 1


def test_others_cannot_edit_or_remove_a_post(client, prompt_thread, people):
    post = post_create(thread=prompt_thread, author=people["alice"], body="À moi")
    client.force_login(people["bob"])
    course = prompt_thread.lesson.course.slug

    client.post(reverse("courses:discussions:post_edit", kwargs={"course": course, "post": post.pk}), {"body": "Piraté"})
    client.post(reverse("courses:discussions:post_delete", kwargs={"course": course, "post": post.pk}))

    post.refresh_from_db()
    assert post.body == "À moi" and post.deleted_at is None


def test_removed_post_leaves_a_notice_and_keeps_its_replies(client, prompt_thread, people):
    post = post_create(thread=prompt_thread, author=people["alice"], body="Texte à retirer")
    post_create(thread=prompt_thread, author=people["bob"], body="Réponse qui reste", reply_to=post)
    client.force_login(people["alice"])

    client.post(reverse("courses:discussions:post_delete", kwargs={"course": prompt_thread.lesson.course.slug, "post": post.pk}))

    page = client.get(thread_url(prompt_thread)).content.decode()
    assert "Message retiré" in page and "Texte à retirer" not in page
    assert "Réponse qui reste" in page


def test_moderation_is_idempotent_and_audited(client, prompt_thread, people):
    post = post_create(thread=prompt_thread, author=people["alice"], body="Propos déplacés")
    client.force_login(people["prof"])
    course = prompt_thread.lesson.course.slug
    moderate = reverse("courses:discussions:post_moderate", kwargs={"course": course, "post": post.pk})

    client.post(moderate, {"action": "hide", "reason": "Hors sujet"})
    client.post(moderate, {"action": "hide", "reason": "Hors sujet"})
    client.post(moderate, {"action": "endorse"})
    client.post(moderate, {"action": "endorse"})

    moderation = AuditEntry.objects.exclude(action=AuditEntry.Action.QUIZ_IMPORT)  # the set-up imported a quiz
    assert list(moderation.order_by("created_at").values_list("action", flat=True)) == ["hide", "endorse"]
    assert AuditEntry.objects.get(action="hide").reason == "Hors sujet"
    assert "Propos déplacés" in client.get(thread_url(prompt_thread)).content.decode()  # staff still read it
    client.force_login(people["bob"])
    page = client.get(thread_url(prompt_thread)).content.decode()
    assert "Propos déplacés" not in page and "Message masqué par l’équipe enseignante" in page


def test_hiding_needs_a_reason(client, prompt_thread, people):
    post = post_create(thread=prompt_thread, author=people["alice"], body="Texte")
    client.force_login(people["prof"])
    client.post(reverse("courses:discussions:post_moderate", kwargs={"course": prompt_thread.lesson.course.slug, "post": post.pk}), {"action": "hide", "reason": " "})
    post.refresh_from_db()
    assert post.hidden_at is None


def test_students_cannot_moderate(client, prompt_thread, people):
    post = post_create(thread=prompt_thread, author=people["alice"], body="Texte")
    client.force_login(people["bob"])
    course = prompt_thread.lesson.course.slug

    assert client.post(reverse("courses:discussions:post_moderate", kwargs={"course": course, "post": post.pk}), {"action": "hide", "reason": "x"}).status_code == 403
    assert client.post(reverse("courses:discussions:thread_moderate", kwargs={"course": course, "thread": prompt_thread.pk}), {"action": "lock"}).status_code == 403
    post.refresh_from_db()
    prompt_thread.refresh_from_db()
    assert post.hidden_at is None and not prompt_thread.is_locked


def test_people_not_enrolled_neither_read_nor_write(client, prompt_thread):
    outsider = EnrollmentFactory().user
    client.force_login(outsider)

    assert client.get(thread_url(prompt_thread)).status_code == 404
    assert client.post(thread_url(prompt_thread), {"body": "Intrus"}).status_code == 404
    assert not Post.objects.filter(author=outsider).exists()


def test_payloads_are_stored_as_typed_and_served_inert(client, prompt_thread, people):
    client.force_login(people["alice"])
    for payload in XSS_PAYLOADS:
        Post.objects.filter(author=people["alice"]).update(created_at=timezone.now() - datetime.timedelta(minutes=5))
        assert client.post(thread_url(prompt_thread), {"body": payload}).status_code == 302
    client.force_login(people["bob"])

    page = client.get(thread_url(prompt_thread)).content.decode()

    bodies = page.split('class="post-body"')[1:]
    assert len(bodies) == len(XSS_PAYLOADS) + 1  # and the opening post
    for body in bodies:
        assert active_content(body.split("</article>")[0]) == []
    assert list(Post.objects.filter(author=people["alice"]).order_by("pk").values_list("body", flat=True)) == [p.strip() for p in XSS_PAYLOADS]


def test_participation_counts_prompts_answered_replies_and_endorsements(course, lesson, prompt_thread, people):
    from discussions.services import post_set_endorsed

    other_prompt = Thread.objects.filter(lesson=lesson, prompt__isnull=False).exclude(pk=prompt_thread.pk).first()
    first = post_create(thread=prompt_thread, author=people["alice"], body="Réponse 1")
    post_create(thread=other_prompt, author=people["alice"], body="Réponse 2")
    post_create(thread=prompt_thread, author=people["bob"], body="Réplique", reply_to=first)
    thread_create(lesson=lesson, author=people["bob"], title="Mon sujet", body="Ouverture")
    post_set_endorsed(post=first, actor=people["prof"], endorsed=True)

    participation = participation_by_student(course=course)

    alice = participation[(people["alice"].pk, lesson.pk)]
    assert (alice.replies, alice.endorsed, alice.prompts_answered) == (2, 1, 2)
    assert alice.prompts_total == lesson.prompts.filter(is_active=True).count()
    bob = participation[(people["bob"].pk, lesson.pk)]
    assert (bob.threads_started, bob.replies, bob.prompts_answered) == (1, 1, 1)
