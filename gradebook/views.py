from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from courses.models import Enrollment
from courses.selectors import STAFF_ROLES, course_access
from gradebook import selectors
from gradebook.computation import REVIEW_KEY, TOTAL_KEY, Category
from gradebook.export import gradebook_csv_chunks
from gradebook.forms import ClearOverrideForm, OverrideForm
from gradebook.histogram import histogram_bars
from gradebook.standings import standings_read_frame
from gradebook.signals import progress_page_extras, quiz_statistics_extras
from gradebook.services import GradebookError, grade_override_clear, grade_override_set
from lessons.selectors import lesson_access
from quizzes.selectors import quiz_for_lesson

INSTRUCTOR_ONLY = (Enrollment.Role.INSTRUCTOR,)
# One screen shows this many students; sorting and filters apply to the whole class before paging.
ROWS_PER_PAGE = 100


def _flag(request, name: str) -> bool:
    return request.GET.get(name) in ("1", "on", "true")


@login_required
def gradebook_index(request, course):
    access = course_access(user=request.user, slug=course, roles=STAFF_ROLES)
    filters = {
        "at_risk": _flag(request, "risk"),
        "to_grade": _flag(request, "to_grade"),
        "group": request.GET.get("group", ""),
        "search": request.GET.get("q", "").strip(),
    }
    frame, refreshing = standings_read_frame(course=access.course)
    if refreshing is not None:
        # A class-wide refresh runs in the workers: its progress, never a grid of old and new totals side by side.
        return render(request, "gradebook/refreshing.html", {
            "access": access, "course": access.course, "frame": frame, "progress": refreshing,
        })
    # Filters, sort and paging run in the database over the kept standings (first brought up to date):
    # the cost is one page's.
    result = selectors.gradebook_page(
        course=access.course, frame=frame, sort=request.GET.get("sort", "name"),
        page_number=request.GET.get("page"), per_page=ROWS_PER_PAGE, **filters,
    )
    page = result.page
    keys = result.frame.item_keys()
    # The reviews' participation item, when the instructor turned the review credit on (students with cards have it).
    review_column = any(REVIEW_KEY in row.grade.items for row in page.object_list)
    if review_column:
        keys = [*keys, REVIEW_KEY]
    table = [(row, [row.grade.items.get(key) for key in keys]) for row in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "access": access,
        "course": access.course,
        "frame": result.frame,
        "gradebook": result,
        "table": table,
        "review_column": review_column,
        "page": page,
        "sort": result.sort,
        "filters": filters,
        "class_size": result.class_size,
        "groups": result.groups,
        "shown": result.shown,
        "query_without_page": query.urlencode(),
        "query_without_sort": _without(request, "sort", "page"),
    }
    return render(request, "gradebook/index.html", context)


def _without(request, *names: str) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


@login_required
def gradebook_csv(request, course):
    access = course_access(user=request.user, slug=course, roles=STAFF_ROLES)
    frame, refreshing = standings_read_frame(course=access.course)
    if refreshing is not None:
        messages.info(request, _("The export will be available once the grades are recalculated."))
        return redirect("courses:gradebook:index", course=access.course.slug)
    response = StreamingHttpResponse(
        (chunk.encode("utf-8") for chunk in gradebook_csv_chunks(course=access.course, frame=frame)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{access.course.slug}-gradebook.csv"'
    return response


def _override_items(frame) -> list[tuple[str, str]]:
    return [(key, frame.item_label(key)) for key in frame.item_keys()] + [(TOTAL_KEY, frame.item_label(TOTAL_KEY))]


@login_required
def student_detail(request, course, user_id):
    # Teaching assistants read the gradebook; changing a grade is the instructor's call.
    roles = INSTRUCTOR_ONLY if request.method == "POST" else STAFF_ROLES
    access = course_access(user=request.user, slug=course, roles=roles)
    enrollment = selectors.student_enrollment(course=access.course, user_id=user_id)
    student = enrollment.user
    if request.method == "POST":
        return _override_post(request, access, student)
    standing = selectors.student_standing(course=access.course, user=student)
    current, log = selectors.override_history(course=access.course, student=student)
    items = _override_items(standing.frame)
    requested = request.GET.get("item")
    form = OverrideForm(items=items, initial={"item": requested} if requested else None)
    labels = dict(items)
    context = {
        "access": access,
        "course": access.course,
        "enrollment": enrollment,
        "student": student,
        "standing": standing,
        "frame": standing.frame,
        "lesson_rows": _lesson_rows(standing),
        "review_item": standing.grade.items.get(REVIEW_KEY),
        "posts": selectors.student_posts(course=access.course, user=student),
        "overrides": [(o, labels.get(o.item_key, o.item_key)) for o in current],
        "log": [(entry, labels.get(entry.item_key, entry.item_key)) for entry in log],
        "form": form,
        "can_override": access.is_instructor,
    }
    return render(request, "gradebook/student.html", context)


def _override_post(request, access, student):
    frame = selectors.gradebook_frame(course=access.course)
    url = redirect("courses:gradebook:student", course=access.course.slug, user_id=student.pk)
    if request.POST.get("action") == "clear":
        form = ClearOverrideForm(request.POST)
        if form.is_valid():
            cleared = grade_override_clear(
                course=access.course, student=student, item=form.cleaned_data["item"],
                reason=form.cleaned_data["reason"], actor=request.user,
            )
            if cleared:
                messages.success(request, _("Override cleared: the computed grade applies again."))
        return url
    form = OverrideForm(request.POST, items=_override_items(frame))
    if not form.is_valid():
        messages.error(request, _("The override was not saved: choose an item, a grade between 0 and 100 and give a reason."))
        return url
    try:
        grade_override_set(
            course=access.course, student=student, item=form.cleaned_data["item"], value=form.cleaned_data["value"],
            reason=form.cleaned_data["reason"], actor=request.user,
        )
    except GradebookError as exc:
        messages.error(request, str(exc))
        return url
    messages.success(request, _("Override saved."))
    return url


def _lesson_rows(standing) -> list[dict]:
    """Per lesson: its column, its three items, its attempts and participation, for the one-student pages."""
    rows = []
    for column in standing.frame.columns:
        rows.append(
            {
                "column": standing.frame.column_for(column, standing.user_id),
                "reading": standing.grade.item(Category.READING, column.lesson_id),
                "quiz": standing.grade.item(Category.QUIZ, column.lesson_id),
                "participation": standing.grade.item(Category.PARTICIPATION, column.lesson_id),
                "read_at": standing.read_at.get(column.lesson_id),
                "attempts": standing.attempts.get(column.lesson_id, []),
                "part": standing.participation.get(column.lesson_id),
                "past_due": standing.frame.is_past_due(column, standing.user_id),
            }
        )
    return rows


@login_required
def quiz_statistics(request, course, lesson):
    access = course_access(user=request.user, slug=course, roles=STAFF_ROLES)
    lesson_obj = lesson_access(access=access, slug=lesson)
    quiz = quiz_for_lesson(lesson=lesson_obj)
    stats = selectors.quiz_statistics_for(quiz=quiz)
    context = {
        "access": access,
        "course": access.course,
        "lesson": lesson_obj,
        "quiz": quiz,
        "stats": stats,
        "bars": histogram_bars(stats.histogram),
        "min_responses": settings.ITEM_ANALYSIS_MIN_ATTEMPTS,
        # The apps above (spaced review: what the class still remembers, per question and per lesson).
        **quiz_statistics_extras(quiz=quiz, course=access.course),
    }
    return render(request, "gradebook/quiz_statistics.html", context)


@login_required
def scheme_settings(request, course):
    """The old « Mode de calcul » page: the one grading-settings page is the studio's (with its preview)."""
    access = course_access(user=request.user, slug=course, roles=STAFF_ROLES)
    return redirect("courses:studio:scheme", course=access.course.slug)


@login_required
def student_progress(request, course):
    # Only ever the requesting user's own standing: no parameter names another student.
    access = course_access(user=request.user, slug=course)
    standing = selectors.student_standing(course=access.course, user=request.user)
    context = {
        "access": access,
        "course": access.course,
        "standing": standing,
        "frame": standing.frame,
        "scheme": standing.frame.scheme,
        "lesson_rows": _lesson_rows(standing),
        "progress": standing,  # for courses/_progress_bar.html
        **progress_page_extras(course=access.course, user=request.user),  # the apps above: the review summary
        # The reviews' participation item, when the credit is on and the student has cards.
        "review_item": standing.grade.items.get(REVIEW_KEY),
    }
    return render(request, "gradebook/progress.html", context)

