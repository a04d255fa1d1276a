import pytest
from django.urls import reverse
from django.utils import timezone

from discussions.models import Post, Thread
from tests.factories import EnrollmentFactory, LessonFactory

pytestmark = pytest.mark.django_db


def build(threads: int, posts_per_thread: int):
    lesson = LessonFactory()
    reader = EnrollmentFactory(course=lesson.course).user
    writers = [EnrollmentFactory(course=lesson.course).user for _ in range(5)]
    now = timezone.now()
    created = Thread.objects.bulk_create(
        [Thread(lesson=lesson, author=writers[n % 5], title=f"Fil {n}", last_post_at=now) for n in range(threads)]
    )
    posts = []
    for thread in created:
        posts.append(Post(thread=thread, author=thread.author, is_opening=True, body="Ouverture", body_html="<p>Ouverture</p>"))
        posts.extend(
            Post(thread=thread, author=writers[n % 5], body=f"Réponse {n}", body_html=f"<p>Réponse {n}</p>")
            for n in range(posts_per_thread)
        )
    Post.objects.bulk_create(posts)
    # Nested replies under the first replies of the first thread.
    tops = list(Post.objects.filter(thread=created[0], is_opening=False)[:10])
    Post.objects.bulk_create(
        [Post(thread=created[0], author=writers[0], parent=top, quoted=None, body="Imbriquée", body_html="<p>Imbriquée</p>") for top in tops]
    )
    return lesson, reader, created[0]


@pytest.mark.parametrize("threads, posts", [(3, 2), (50, 4)])
def test_lesson_discussion_runs_a_constant_number_of_queries(client, django_assert_num_queries, threads, posts):
    lesson, reader, _ = build(threads, posts)
    client.force_login(reader)
    url = reverse("courses:discussions:lesson", kwargs={"course": lesson.course.slug, "lesson": lesson.slug})

    # Session, user, enrolment, lesson, thread count, thread page, notifications.
    with django_assert_num_queries(8):
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.context["threads"].object_list) == min(threads, 25)


@pytest.mark.parametrize("posts", [5, 200])
def test_thread_page_runs_a_constant_number_of_queries(client, django_assert_num_queries, posts):
    lesson, reader, thread = build(1, posts)
    client.force_login(reader)
    url = reverse("courses:discussions:thread", kwargs={"course": lesson.course.slug, "thread": thread.pk})

    # Session, user, enrolment, thread, opening, count, replies, nested, follow, read state, notifications.
    with django_assert_num_queries(11):
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.context["view"].page.object_list) == min(posts, 30)
