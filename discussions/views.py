from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from courses.selectors import STAFF_ROLES, course_access
from discussions.forms import HideForm, PostForm, ThreadForm
from discussions.rendering import render_markdown
from discussions.selectors import lesson_threads_page, post_access, thread_access, thread_view
from discussions.services import (
    EDIT_WINDOW,
    DiscussionError,
    post_create,
    post_delete,
    post_edit,
    post_hide,
    post_set_endorsed,
    post_unhide,
    thread_create,
    thread_mark_read,
    thread_set_following,
    thread_set_locked,
    thread_set_pinned,
)
from lessons.selectors import lesson_access


def _preview_or_save(request, form, *, save, message, url_for):
    """The Markdown forms' POST: "Preview" renders the text; otherwise `save(cleaned_data)` runs.

    Returns (a redirect after a successful save, or None; the preview HTML, or None). A refused save
    puts the service's message on the form, which comes back with the text typed.
    """
    if request.method != "POST" or not form.is_valid():
        return None, None
    if "preview" in request.POST:
        return None, render_markdown(form.cleaned_data["body"])
    try:
        saved = save(form.cleaned_data)
    except DiscussionError as exc:
        form.add_error(None, str(exc))
        return None, None
    messages.success(request, message)
    return redirect(url_for(saved)), None


def _thread_url(course_slug, thread_id, anchor=""):
    url = reverse("courses:discussions:thread", kwargs={"course": course_slug, "thread": thread_id})
    return f"{url}#{anchor}" if anchor else url


@login_required
def lesson_discussion(request, course, lesson):
    access = course_access(user=request.user, slug=course)
    lesson_obj = lesson_access(access=access, slug=lesson)
    form = ThreadForm(request.POST or None)
    done, preview = _preview_or_save(
        request, form,
        save=lambda data: thread_create(lesson=lesson_obj, author=request.user, title=data["title"], body=data["body"]),
        message=_("Your thread is started."),
        url_for=lambda thread: _thread_url(access.course.slug, thread.pk),
    )
    if done:
        return done
    context = {
        "access": access, "course": access.course, "lesson": lesson_obj, "form": form, "preview": preview,
        "threads": lesson_threads_page(lesson=lesson_obj, user=request.user, is_staff=access.is_staff, page_number=request.GET.get("page")),
    }
    return render(request, "discussions/lesson_discussion.html", context, status=400 if form.errors else 200)


@login_required
def thread_detail(request, course, thread):
    access = course_access(user=request.user, slug=course)
    thread_obj = thread_access(access=access, thread_id=thread)
    reply_to = None
    if request.GET.get("reply_to") or request.POST.get("reply_to"):
        reply_to = post_access(access=access, post_id=request.GET.get("reply_to") or request.POST.get("reply_to"))
    form = PostForm(request.POST or None)
    done, preview = _preview_or_save(
        request, form,
        save=lambda data: post_create(thread=thread_obj, author=request.user, body=data["body"], reply_to=reply_to),
        message=_("Your reply is posted."),
        url_for=lambda post: _thread_url(access.course.slug, thread_obj.pk, f"post-{post.pk}"),
    )
    if done:
        return done
    view = thread_view(thread=thread_obj, user=request.user, page_number=request.GET.get("page"))
    if request.method == "GET":
        thread_mark_read(thread=thread_obj, user=request.user)
    context = {
        "access": access, "course": access.course, "lesson": thread_obj.lesson, "thread": thread_obj,
        "view": view, "form": form, "preview": preview, "reply_to": reply_to,
        "edit_deadline": timezone.now() - EDIT_WINDOW, "hide_form": HideForm(),
    }
    return render(request, "discussions/thread.html", context, status=400 if form.errors else 200)


@login_required
def post_edit_view(request, course, post):
    access = course_access(user=request.user, slug=course)
    post_obj = post_access(access=access, post_id=post)
    if post_obj.author_id != request.user.pk:
        return redirect(_thread_url(access.course.slug, post_obj.thread_id))
    form = PostForm(request.POST or None, initial={"body": post_obj.body})
    done, preview = _preview_or_save(
        request, form,
        save=lambda data: post_edit(post=post_obj, editor=request.user, body=data["body"]),
        message=_("Your message is updated."),
        url_for=lambda post: _thread_url(access.course.slug, post.thread_id, f"post-{post.pk}"),
    )
    if done:
        return done
    context = {"access": access, "course": access.course, "lesson": post_obj.thread.lesson, "thread": post_obj.thread,
               "post": post_obj, "form": form, "preview": preview}
    return render(request, "discussions/post_edit.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def post_delete_view(request, course, post):
    access = course_access(user=request.user, slug=course)
    post_obj = post_access(access=access, post_id=post)
    try:
        post_delete(post=post_obj, user=request.user)
    except DiscussionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Your message is removed."))
    return redirect(_thread_url(access.course.slug, post_obj.thread_id, f"post-{post_obj.pk}"))


@login_required
def post_history(request, course, post):
    access = course_access(user=request.user, slug=course, roles=STAFF_ROLES)
    post_obj = post_access(access=access, post_id=post)
    context = {"access": access, "course": access.course, "lesson": post_obj.thread.lesson, "thread": post_obj.thread,
               "post": post_obj, "revisions": post_obj.revisions.all()}
    return render(request, "discussions/post_history.html", context)


@login_required
@require_POST
def thread_moderate(request, course, thread):
    access = course_access(user=request.user, slug=course, roles=STAFF_ROLES)
    thread_obj = thread_access(access=access, thread_id=thread)
    action = request.POST.get("action")
    actions = {
        "pin": lambda: thread_set_pinned(thread=thread_obj, actor=request.user, pinned=True),
        "unpin": lambda: thread_set_pinned(thread=thread_obj, actor=request.user, pinned=False),
        "lock": lambda: thread_set_locked(thread=thread_obj, actor=request.user, locked=True),
        "unlock": lambda: thread_set_locked(thread=thread_obj, actor=request.user, locked=False),
    }
    if action not in actions:
        return HttpResponseBadRequest(_("Unknown action."))
    actions[action]()
    return redirect(_thread_url(access.course.slug, thread_obj.pk))


@login_required
@require_POST
def post_moderate(request, course, post):
    access = course_access(user=request.user, slug=course, roles=STAFF_ROLES)
    post_obj = post_access(access=access, post_id=post)
    action = request.POST.get("action")
    try:
        if action == "hide":
            post_hide(post=post_obj, actor=request.user, reason=request.POST.get("reason", ""))
        elif action == "unhide":
            post_unhide(post=post_obj, actor=request.user)
        elif action in ("endorse", "unendorse"):
            post_set_endorsed(post=post_obj, actor=request.user, endorsed=action == "endorse")
        else:
            return HttpResponseBadRequest(_("Unknown action."))
    except DiscussionError as exc:
        messages.error(request, str(exc))
    return redirect(_thread_url(access.course.slug, post_obj.thread_id, f"post-{post_obj.pk}"))


@login_required
@require_POST
def thread_follow(request, course, thread):
    access = course_access(user=request.user, slug=course)
    thread_obj = thread_access(access=access, thread_id=thread)
    following = request.POST.get("follow") == "1"
    thread_set_following(thread=thread_obj, user=request.user, following=following)
    messages.success(request, _("You follow this thread.") if following else _("You no longer follow this thread."))
    return redirect(_thread_url(access.course.slug, thread_obj.pk))
