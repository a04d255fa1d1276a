"""Reads about discussions, each page in a fixed number of queries whatever the number of posts."""

from collections import defaultdict
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.http import Http404

from courses.selectors import CourseAccess
from coursesite.ids import id_or_404
from discussions.models import Post, Thread, ThreadFollow, ThreadReadState
from lessons.models import DiscussionPrompt
from lessons.selectors import visible_to_students

THREADS_PER_PAGE = 25
REPLIES_PER_PAGE = 30


def _visible_replies(*, is_staff: bool) -> Q:
    visible = Q(posts__is_opening=False, posts__deleted_at__isnull=True)
    return visible if is_staff else visible & Q(posts__hidden_at__isnull=True)


def lesson_threads(*, lesson, user, is_staff: bool):
    """Threads of a lesson, pinned first, each with its reply count and the user's unread count (one query)."""
    last_read = ThreadReadState.objects.filter(thread=OuterRef("pk"), user=user).values("last_read_at")[:1]
    visible = _visible_replies(is_staff=is_staff)
    unseen = Q(last_read__isnull=True) | Q(posts__created_at__gt=F("last_read"))
    return (
        Thread.objects.filter(lesson=lesson)
        .select_related("author")
        .annotate(
            last_read=Subquery(last_read),
            reply_count=Count("posts", filter=visible),
            unread_count=Count("posts", filter=visible & ~Q(posts__author=user) & unseen),
        )
        .order_by("-is_pinned", "-last_post_at", "-pk")
    )


def lesson_threads_page(*, lesson, user, is_staff: bool, page_number=1):
    return Paginator(lesson_threads(lesson=lesson, user=user, is_staff=is_staff), THREADS_PER_PAGE).get_page(page_number)


def thread_access(*, access: CourseAccess, thread_id: int) -> Thread:
    """The thread if it belongs to the course the user was let into and its lesson is visible to them; 404 otherwise."""
    threads = Thread.objects.select_related("lesson", "author").filter(pk=id_or_404(thread_id), lesson__course=access.course)
    if not access.is_staff:
        threads = threads.filter(visible_to_students("lesson__"))
    thread = threads.first()
    if thread is None:
        raise Http404
    return thread


def post_access(*, access: CourseAccess, post_id: int) -> Post:
    """The post if its thread passes `thread_access`'s rule; 404 otherwise."""
    posts = Post.objects.select_related("thread__lesson", "author").filter(pk=id_or_404(post_id), thread__lesson__course=access.course)
    if not access.is_staff:
        posts = posts.filter(visible_to_students("thread__lesson__"))
    post = posts.first()
    if post is None:
        raise Http404
    return post


@dataclass
class ThreadView:
    opening: Post | None
    page: object  # a Page of top-level replies
    children: dict[int, list[Post]]
    following: bool


def thread_view(*, thread: Thread, user, page_number=1) -> ThreadView:
    """The opening post, one page of top-level replies and all their nested replies: four queries."""
    base = Post.objects.filter(thread=thread).select_related("author", "quoted__author")
    opening = base.filter(is_opening=True).first()
    page = Paginator(base.filter(is_opening=False, parent__isnull=True).order_by("created_at", "pk"), REPLIES_PER_PAGE).get_page(page_number)
    page.object_list = list(page.object_list)
    children: dict[int, list[Post]] = defaultdict(list)
    for child in base.filter(parent__in=[p.pk for p in page.object_list]).order_by("created_at", "pk"):
        children[child.parent_id].append(child)
    for post in page.object_list:
        post.nested_replies = children.get(post.pk, [])
    following = ThreadFollow.objects.filter(thread=thread, user=user, is_following=True).exists()
    return ThreadView(opening=opening, page=page, children=dict(children), following=following)


@dataclass(frozen=True)
class Participation:
    threads_started: int = 0
    replies: int = 0
    endorsed: int = 0
    prompts_answered: int = 0
    prompts_total: int = 0

    @property
    def answered_every_prompt(self) -> bool:
        return self.prompts_total > 0 and self.prompts_answered >= self.prompts_total


def participation_by_student(
    *, course, user_ids: list[int] | None = None, prompts_total: dict[int, int] | None = None
) -> dict[tuple[int, int], Participation]:
    """Per (user id, lesson id): threads started, replies, endorsed replies and prompts answered.

    The one participation rule (the gradebook counts with it). Two queries whatever the class size,
    both aggregated by the database: one row per student and lesson, and the count of active prompts
    per lesson, which a caller that already holds it passes as `prompts_total` (then one query).
    Removed and hidden posts do not count.
    """
    reply = Q(is_opening=False)
    posts = Post.objects.filter(thread__lesson__course=course, deleted_at__isnull=True, hidden_at__isnull=True, author__isnull=False)
    if user_ids is not None:
        posts = posts.filter(author_id__in=user_ids)
    rows = (
        posts.values_list("author_id", "thread__lesson_id")
        .annotate(
            started=Count("pk", filter=Q(is_opening=True, thread__prompt__isnull=True)),
            replies=Count("pk", filter=reply),
            endorsed=Count("pk", filter=reply & Q(endorsed_at__isnull=False)),
            prompts=Count("thread__prompt_id", filter=reply & Q(thread__prompt__isnull=False), distinct=True),
        )
        .order_by()
    )
    if prompts_total is None:
        prompts_total = dict(
            DiscussionPrompt.objects.filter(lesson__course=course, is_active=True)
            .values("lesson_id")
            .annotate(n=Count("pk"))
            .values_list("lesson_id", "n")
        )
    return {
        (author_id, lesson_id): Participation(
            threads_started=started, replies=replies, endorsed=endorsed, prompts_answered=prompts,
            prompts_total=prompts_total.get(lesson_id, 0),
        )
        for author_id, lesson_id, started, replies, endorsed, prompts in rows
    }
