from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lessons.models import DiscussionPrompt, Lesson

MAX_POST_LENGTH = 10_000


class Thread(models.Model):
    """A conversation in a lesson's class discussion; prompt threads are opened from the lesson's prompts."""

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="threads")
    prompt = models.OneToOneField(
        DiscussionPrompt, on_delete=models.SET_NULL, null=True, blank=True, related_name="thread"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="threads"
    )
    title = models.CharField(_("title"), max_length=200)
    is_pinned = models.BooleanField(_("pinned"), default=False)
    is_locked = models.BooleanField(_("locked"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_post_at = models.DateTimeField(_("last post at"), db_index=True)

    class Meta:
        verbose_name = _("thread")
        verbose_name_plural = _("threads")
        ordering = ["-is_pinned", "-last_post_at"]
        indexes = [models.Index(fields=["lesson", "-is_pinned", "-last_post_at"])]

    def __str__(self) -> str:
        return self.title


class Post(models.Model):
    """A message. The opening post carries the thread's question; a reply may answer another reply
    (one level of nesting: it is filed under the top-level reply and quotes the one it answers)."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="posts")
    is_opening = models.BooleanField(_("opening post"), default=False)
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="children")
    quoted = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    body = models.TextField(_("message"))
    # Rendered once when written, through the sanitiser: pages never render Markdown.
    body_html = models.TextField(_("rendered message"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True)
    deleted_at = models.DateTimeField(_("removed at"), null=True, blank=True)
    hidden_at = models.DateTimeField(_("hidden at"), null=True, blank=True)
    hidden_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    hidden_reason = models.CharField(_("reason for hiding"), max_length=300, blank=True)
    endorsed_at = models.DateTimeField(_("endorsed at"), null=True, blank=True)
    endorsed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(body=""), name="post_body_not_empty"),
            models.CheckConstraint(
                condition=Q(hidden_at__isnull=True) | ~Q(hidden_reason=""), name="post_hidden_has_reason"
            ),
            models.CheckConstraint(condition=~(Q(is_opening=True) & Q(parent__isnull=False)), name="post_opening_has_no_parent"),
            models.UniqueConstraint(fields=["thread"], condition=Q(is_opening=True), name="post_one_opening_per_thread"),
        ]
        indexes = [models.Index(fields=["author", "created_at"])]

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_endorsed(self) -> bool:
        return self.endorsed_at is not None


class PostRevision(models.Model):
    """The text of a post before each edit; staff can read the history."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField(_("previous text"))
    replaced_at = models.DateTimeField(_("replaced at"), auto_now_add=True)

    class Meta:
        ordering = ["-replaced_at"]


class ThreadFollow(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="follows")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="thread_follows")
    is_following = models.BooleanField(default=True)  # False: unfollowed on purpose, never re-followed automatically

    class Meta:
        constraints = [models.UniqueConstraint(fields=["thread", "user"], name="follow_one_per_thread_and_user")]


class ThreadReadState(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="read_states")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    last_read_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["thread", "user"], name="read_state_one_per_thread_and_user")]
