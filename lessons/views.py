from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from courses.selectors import course_access
from courses.signals import TODO_OVERDUE, student_todo
from lessons.selectors import course_progress, lesson_access, lesson_neighbours, lesson_read_at
from lessons.services import lesson_mark_read, lesson_mark_unread
from lessons.signals import lesson_page_extras


@login_required
def course_home(request, course):
    """The course page: its lessons with the reader's progress (students see what is visible to them)."""
    access = course_access(user=request.user, slug=course)
    progress = course_progress(course=access.course, user=request.user, published_only=not access.is_staff)
    todo = [] if access.is_staff else student_todo(user_id=request.user.pk, course_ids=[access.course.pk], now=timezone.now())[access.course.pk]
    # The next step never skips overdue work: late first, then the next reading, then what falls due.
    overdue = [item for item in todo if item["rank"] == TODO_OVERDUE]
    next_item = overdue[0] if overdue else (None if progress.next_lesson else next(iter(todo), None))
    context = {"access": access, "course": access.course, "progress": progress, "todo": todo, "next_item": next_item}
    return render(request, "lessons/course_home.html", context)


@login_required
def lesson_detail(request, course, lesson):
    access = course_access(user=request.user, slug=course)
    lesson_obj = lesson_access(access=access, slug=lesson)
    previous, following = lesson_neighbours(access=access, lesson=lesson_obj)
    context = {
        "access": access,
        "course": access.course,
        "lesson": lesson_obj,
        "read_at": lesson_read_at(lesson=lesson_obj, user=request.user),
        "quiz": getattr(lesson_obj, "quiz", None),
        # The apps above add their part of the page (discussions: the most recent threads).
        **lesson_page_extras(lesson=lesson_obj, user=request.user, is_staff=access.is_staff),
        "previous": previous,
        "following": following,
    }
    return render(request, "lessons/lesson_detail.html", context)


@login_required
@require_POST
def lesson_read_toggle(request, course, lesson):
    access = course_access(user=request.user, slug=course)
    lesson_obj = lesson_access(access=access, slug=lesson)
    if request.POST.get("read") == "0":
        lesson_mark_unread(lesson=lesson_obj, user=request.user)
        messages.info(request, _("The lesson is marked as not read."))
    else:
        lesson_mark_read(lesson=lesson_obj, user=request.user)
        messages.success(request, _("Lesson marked as read."))
    return redirect("courses:lessons:detail", course=access.course.slug, lesson=lesson_obj.slug)
