"""Writes about discussions: threads, posts, moderation, following and reading.

Each moderation action checks, acts, does nothing when already in the wanted
state, and writes a line of the course's audit trail (`courses.audit`) when it changed something.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from coursesite.errors import ActionRefused
from discussions.models import MAX_POST_LENGTH, Post, PostRevision, Thread, ThreadFollow, ThreadReadState
from discussions.rendering import render_markdown
from courses.audit import Action, audit_record
from courses.signals import student_work_changed
from lessons.models import Lesson
from notifications.models import Notification
from notifications.services import notifications_create, notifications_text_replace

EDIT_WINDOW = timedelta(minutes=30)
RATE_LIMIT_POSTS = 10
RATE_LIMIT_WINDOW = timedelta(minutes=1)


class DiscussionError(ActionRefused):
    """An action the rules refuse; the message is for the person who tried it."""


@dataclass(frozen=True)
class PromptThreadsReport:
    created: int
    updated: int


def _checked_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise DiscussionError(_("Write a message before sending it."))
    if len(body) > MAX_POST_LENGTH:
        raise DiscussionError(
            _("A message has at most %(max)d characters; yours has %(count)d.") % {"max": MAX_POST_LENGTH, "count": len(body)}
        )
    return body


def _check_rate(author) -> None:
    """Refuse past RATE_LIMIT_POSTS a minute. Called inside the writing transaction: the author's row
    lock makes simultaneous posts (several tabs, a script) count one after the other.

    FOR NO KEY UPDATE, not FOR UPDATE: another transaction's foreign-key check on this user (a
    reading, an answer being committed) must not wait for it, or the two deadlock."""
    get_user_model().objects.select_for_update(no_key=True).filter(pk=author.pk).exists()
    since = timezone.now() - RATE_LIMIT_WINDOW
    if Post.objects.filter(author=author, created_at__gte=since).count() >= RATE_LIMIT_POSTS:
        raise DiscussionError(
            _("You have sent %(count)d messages in the last minute. Wait a moment before sending another one.")
            % {"count": RATE_LIMIT_POSTS}
        )


def _follow(*, thread: Thread, user) -> None:
    # An explicit unfollow stays: writing again in the thread does not re-follow.
    ThreadFollow.objects.get_or_create(thread=thread, user=user)


def _mark_read(*, thread: Thread, user, at) -> None:
    # One upsert statement: every thread view records the read, so it must stay cheap.
    ThreadReadState.objects.bulk_create(
        [ThreadReadState(thread=thread, user=user, last_read_at=at)],
        update_conflicts=True,
        unique_fields=["thread", "user"],
        update_fields=["last_read_at"],
    )


@transaction.atomic
def thread_create(*, lesson: Lesson, author, title: str, body: str) -> Thread:
    title = (title or "").strip()
    if not title:
        raise DiscussionError(_("Give your thread a title."))
    if len(title) > 200:
        raise DiscussionError(_("A title has at most 200 characters."))
    body = _checked_body(body)
    _check_rate(author)
    now = timezone.now()
    thread = Thread.objects.create(lesson=lesson, author=author, title=title, last_post_at=now)
    Post.objects.create(thread=thread, author=author, is_opening=True, body=body, body_html=render_markdown(body))
    _follow(thread=thread, user=author)
    _mark_read(thread=thread, user=author, at=now)
    student_work_changed(user_ids=[author.pk], lesson_id=lesson.pk)
    return thread


@transaction.atomic
def post_create(*, thread: Thread, author, body: str, reply_to: Post | None = None) -> Post:
    """Answer the thread, or a reply in it. A reply to a reply is filed under its top-level reply and quotes it."""
    thread = Thread.objects.select_for_update(no_key=True).get(pk=thread.pk)
    if thread.is_locked:
        raise DiscussionError(_("This thread is locked: it can be read but no longer answered."))
    body = _checked_body(body)
    _check_rate(author)
    parent = quoted = None
    if reply_to is not None:
        if reply_to.thread_id != thread.pk:
            raise DiscussionError(_("That message is not in this thread."))
        if not reply_to.is_opening:
            parent = reply_to.parent or reply_to
            quoted = reply_to if reply_to.parent_id else None
    post = Post.objects.create(
        thread=thread, author=author, parent=parent, quoted=quoted, body=body, body_html=render_markdown(body)
    )
    thread.last_post_at = post.created_at
    thread.save(update_fields=["last_post_at"])
    _follow(thread=thread, user=author)
    _mark_read(thread=thread, user=author, at=post.created_at)
    student_work_changed(user_ids=[author.pk], lesson_id=thread.lesson_id)
    followers = [
        follow.user
        for follow in ThreadFollow.objects.filter(thread=thread, is_following=True).exclude(user=author).select_related("user")
    ]
    if followers:
        url = reverse("courses:discussions:thread", kwargs={"course": thread.lesson.course.slug, "thread": thread.pk})
        name = author.display_name if author else ""
        notifications_create(
            users=followers,
            kind=Notification.Kind.REPLY,
            subject_key=f"discussions.thread:{thread.pk}",
            source_key=_notice_source(post),
            url=f"{url}#post-{post.pk}",
            render=lambda: (_("New reply in “%(title)s”") % {"title": thread.title}, _notice_text(post, name=name)),
        )
    return post


def _notice_source(post: Post) -> str:
    return f"discussions.post:{post.pk}"


def _notice_text(post: Post, *, name: str | None = None) -> str:
    """What followers' notices (and their e-mails) say of the post: an excerpt, or nothing once it is not shown."""
    if post.is_hidden or post.is_deleted:
        return _("This message is no longer shown.")
    if name is None:
        name = post.author.display_name if post.author else ""
    return _("%(name)s wrote: %(excerpt)s") % {"name": name, "excerpt": post.body[:300]}


def _notices_refresh(post: Post) -> None:
    notifications_text_replace(source_key=_notice_source(post), render=lambda: _notice_text(post))


@transaction.atomic
def post_edit(*, post: Post, editor, body: str, now=None) -> Post:
    """The author edits within 30 minutes; the previous text is kept for staff."""
    now = now or timezone.now()
    if post.author_id != editor.pk:
        raise DiscussionError(_("Only the author can edit a message."))
    if post.is_deleted or post.is_hidden:
        raise DiscussionError(_("This message can no longer be edited."))
    if now - post.created_at > EDIT_WINDOW:
        raise DiscussionError(_("A message can be edited during 30 minutes after it is sent."))
    body = _checked_body(body)
    if body == post.body:
        return post
    PostRevision.objects.create(post=post, body=post.body)
    post.body, post.body_html, post.edited_at = body, render_markdown(body), now
    post.save(update_fields=["body", "body_html", "edited_at"])
    return post


@transaction.atomic
def post_delete(*, post: Post, user) -> Post:
    """The author removes a message: it shows "message retiré", its replies stay."""
    if post.author_id != user.pk:
        raise DiscussionError(_("Only the author can remove a message."))
    if post.is_opening:
        raise DiscussionError(_("The opening message of a thread cannot be removed."))
    if post.deleted_at is None:
        post.deleted_at = timezone.now()
        post.save(update_fields=["deleted_at"])
        _notices_refresh(post)
        student_work_changed(user_ids=[post.author_id], lesson_id=post.thread.lesson_id)
    return post


def _log(*, actor, action: str, thread: Thread, post: Post | None = None, reason: str = "") -> None:
    facts = {"thread": thread.pk, **({"post": post.pk} if post is not None else {})}
    audit_record(
        course=thread.lesson.course, actor=actor, action=action, target=thread.title,
        subject=post.author if post is not None else None, changes=facts, reason=reason,
    )


@transaction.atomic
def thread_set_pinned(*, thread: Thread, actor, pinned: bool) -> bool:
    if thread.is_pinned == pinned:
        return False
    thread.is_pinned = pinned
    thread.save(update_fields=["is_pinned"])
    _log(actor=actor, action=Action.PIN if pinned else Action.UNPIN, thread=thread)
    return True


@transaction.atomic
def thread_set_locked(*, thread: Thread, actor, locked: bool) -> bool:
    if thread.is_locked == locked:
        return False
    thread.is_locked = locked
    thread.save(update_fields=["is_locked"])
    _log(actor=actor, action=Action.LOCK if locked else Action.UNLOCK, thread=thread)
    return True


@transaction.atomic
def post_hide(*, post: Post, actor, reason: str) -> bool:
    reason = (reason or "").strip()
    if not reason:
        raise DiscussionError(_("Say why the message is hidden."))
    if post.is_hidden:
        return False
    post.hidden_at, post.hidden_by, post.hidden_reason = timezone.now(), actor, reason[:300]
    post.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    _notices_refresh(post)
    _author_told_of_hiding(post=post, actor=actor)
    student_work_changed(user_ids=[post.author_id] if post.author_id else [], lesson_id=post.thread.lesson_id)
    _log(actor=actor, action=Action.HIDE, thread=post.thread, post=post, reason=reason[:300])
    return True


def _author_told_of_hiding(*, post: Post, actor) -> None:
    """The author hears that their message was hidden, and why (not when they hid it themselves)."""
    author = post.author
    if author is None or author.pk == getattr(actor, "pk", None):
        return
    thread = post.thread
    url = reverse("courses:discussions:thread", kwargs={"course": thread.lesson.course.slug, "thread": thread.pk})
    notifications_create(
        users=[author],
        kind=Notification.Kind.POST_HIDDEN,
        subject_key=f"discussions.post:{post.pk}",
        url=f"{url}#post-{post.pk}",
        render=lambda: (
            _("Your message in “%(title)s” was hidden by the teaching team") % {"title": thread.title},
            _("Reason: %(reason)s") % {"reason": post.hidden_reason},
        ),
    )


@transaction.atomic
def post_unhide(*, post: Post, actor) -> bool:
    if not post.is_hidden:
        return False
    post.hidden_at, post.hidden_by, post.hidden_reason = None, None, ""
    post.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    _notices_refresh(post)
    student_work_changed(user_ids=[post.author_id] if post.author_id else [], lesson_id=post.thread.lesson_id)
    _log(actor=actor, action=Action.UNHIDE, thread=post.thread, post=post)
    return True


@transaction.atomic
def post_set_endorsed(*, post: Post, actor, endorsed: bool) -> bool:
    if post.is_opening:
        raise DiscussionError(_("Only replies can be endorsed."))
    if post.is_endorsed == endorsed:
        return False
    post.endorsed_at, post.endorsed_by = (timezone.now(), actor) if endorsed else (None, None)
    post.save(update_fields=["endorsed_at", "endorsed_by"])
    _log(
        actor=actor, action=Action.ENDORSE if endorsed else Action.UNENDORSE,
        thread=post.thread, post=post,
    )
    return True


def thread_set_following(*, thread: Thread, user, following: bool) -> None:
    ThreadFollow.objects.update_or_create(thread=thread, user=user, defaults={"is_following": following})


def thread_mark_read(*, thread: Thread, user) -> None:
    _mark_read(thread=thread, user=user, at=timezone.now())


@transaction.atomic
def prompt_threads_sync(*, lesson: Lesson, author) -> PromptThreadsReport:
    """Open (or update) one pinned thread per active prompt of the lesson, in the instructor's name."""
    created = updated = 0
    existing = {t.prompt_id: t for t in Thread.objects.filter(lesson=lesson, prompt__isnull=False).select_related("prompt")}
    openings = {p.thread_id: p for p in Post.objects.filter(thread__in=existing.values(), is_opening=True)}
    for prompt in lesson.prompts.filter(is_active=True):
        thread = existing.get(prompt.pk)
        if thread is None:
            thread = Thread.objects.create(
                lesson=lesson, prompt=prompt, author=author, title=prompt.title, is_pinned=True, last_post_at=timezone.now()
            )
            Post.objects.create(thread=thread, author=author, is_opening=True, body=prompt.body, body_html=render_markdown(prompt.body))
            created += 1
            continue
        opening = openings.get(thread.pk)
        if thread.author_id is None and author is not None:
            # Imported before any instructor was enrolled: the prompt is theirs once they are.
            thread.author = author
            thread.save(update_fields=["author"])
            if opening:
                opening.author = author
                opening.save(update_fields=["author"])
        if thread.title != prompt.title or (opening and opening.body != prompt.body):
            thread.title = prompt.title
            thread.save(update_fields=["title"])
            if opening and opening.body != prompt.body:
                opening.body, opening.body_html = prompt.body, render_markdown(prompt.body)
                opening.save(update_fields=["body", "body_html"])
            updated += 1
    return PromptThreadsReport(created=created, updated=updated)
