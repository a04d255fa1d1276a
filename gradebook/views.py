from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from coursesite.ids import id_or_404
from courses.models import Enrollment
from courses.selectors import STAFF_ROLES, course_access
from gradebook import selectors
from gradebook.computation import REVIEW_KEY, TOTAL_KEY, Category, custom_category_key
from gradebook.export import FRENCH, MOODLE, gradebook_csv_chunks
from gradebook.forms import (
    CategoryWeightsForm, ClearOverrideForm, GradesImportForm, GradingSchemeForm, ManualItemForm, OverrideForm,
)
from gradebook.models import GradeCategory, ManualItem
from gradebook.selectors.frame import BUILTIN_TITLES
from gradebook.templatetags.gradebook_tags import percent
from gradebook.templatetags.gradebook_tags import points as points_text
from gradebook.histogram import histogram_bars
from gradebook.standings import standings_read_frame
from gradebook.signals import progress_page_extras, quiz_statistics_extras
from gradebook.services import (
    GradebookError, ImportRefused, grade_categories_save, grade_override_clear, grade_override_set, grading_scheme_ensure,
    grading_scheme_update, manual_grade_set, manual_grades_import, manual_item_save,
)
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
    manual_columns = result.frame.manual_columns
    table = [(row, [row.grade.items.get(key) for key in keys]) for row in page.object_list]
    for row in page.object_list:
        row.manual_cells = [(column, row.grade.items.get(column.key)) for column in manual_columns]
    compact = _flag(request, "compact")
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
        "manual_columns": manual_columns,
        "own_weights": list(dict.fromkeys(
            (c.category_title, c.category_weight) for c in manual_columns if c.category.startswith("custom:")
        )),
        "can_enter_grades": access.is_instructor,
        "compact": compact,
        # The compact toggle keeps every other filter, sort and page: it lives in the URL.
        "query_toggle_compact": _with_compact(request, not compact),
    }
    return render(request, "gradebook/index.html", context)


def _with_compact(request, on: bool) -> str:
    query = request.GET.copy()
    query.pop("compact", None)
    if on:
        query["compact"] = "1"
    return query.urlencode()


def _without(request, *names: str) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


def _gradebook_csv(request, course, *, layout, filename: str):
    access = course_access(user=request.user, slug=course, roles=STAFF_ROLES)
    frame, refreshing = standings_read_frame(course=access.course)
    if refreshing is not None:
        messages.info(request, _("The export will be available once the grades are recalculated."))
        return redirect("courses:gradebook:index", course=access.course.slug)
    response = StreamingHttpResponse(
        (chunk.encode("utf-8") for chunk in gradebook_csv_chunks(course=access.course, frame=frame, layout=layout)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{access.course.slug}-{filename}.csv"'
    return response


@login_required
def gradebook_csv(request, course):
    """The grades in Moodle's grade-export layout."""
    return _gradebook_csv(request, course, layout=MOODLE, filename="gradebook")


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
        **_manual_context(standing),
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
        **_manual_context(standing),
    }
    return render(request, "gradebook/progress.html", context)


def _manual_context(standing) -> dict:
    """The manual items of one student's standing, and the course's own categories with the student's mean."""
    frame, grade = standing.frame, standing.grade
    own = dict.fromkeys(
        (c.category, c.category_title, c.category_weight) for c in frame.manual_columns if c.category.startswith("custom:")
    )
    return {
        "manual_rows": [(column, grade.items.get(column.key)) for column in frame.manual_columns],
        "own_categories": [(title, weight, grade.category_so_far.get(key)) for key, title, weight in own],
    }



# --------------------------------------------------------------------------- manual items and their grades

MAX_IMPORT_BYTES = 2 * 1024 * 1024


def _category_choices(categories) -> list[tuple[str, str]]:
    return [(key, str(title)) for key, title in BUILTIN_TITLES.items()] + [
        (custom_category_key(c.pk), c.title) for c in categories
    ]


def _manual_item_or_404(*, course, item_id) -> ManualItem:
    item = ManualItem.objects.filter(course=course, pk=id_or_404(item_id)).select_related("course").first()
    if item is None:
        raise Http404
    return item


def _uploaded_text(upload) -> str:
    if upload.size > MAX_IMPORT_BYTES:
        raise GradebookError(_("The file is larger than 2 MB."))
    raw = upload.read()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")  # a spreadsheet's "CSV" in Windows' Western encoding


@login_required
def manual_items(request, course):
    """The instructor's page for the course's own categories, the manual items and the CSV import of grades."""
    access = course_access(user=request.user, slug=course, roles=INSTRUCTOR_ONLY)
    course_obj = access.course
    scheme = grading_scheme_ensure(course=course_obj)
    categories = list(GradeCategory.objects.filter(course=course_obj))
    action = request.POST.get("action") if request.method == "POST" else None
    weights_form = CategoryWeightsForm(
        request.POST if action == "weights" else None, categories=categories,
        initial={name: getattr(scheme, name) for name in ("quiz_weight", "participation_weight", "reading_weight")},
    )
    with timezone.override(ZoneInfo(course_obj.time_zone)):
        item_form = ManualItemForm(request.POST if action == "item" else None, categories=_category_choices(categories))
        import_form = GradesImportForm(request.POST if action in ("preview", "import") else None, request.FILES or None)
        preview = import_errors = None
        if action == "weights" and weights_form.is_valid():
            try:
                grade_categories_save(
                    course=course_obj, actor=request.user, categories=weights_form.wanted(),
                    **{name: weights_form.cleaned_data[name] for name in ("quiz_weight", "participation_weight", "reading_weight")},
                )
            except GradebookError as exc:
                weights_form.add_error(None, str(exc))
            else:
                messages.success(request, _("Categories and weights saved."))
                return redirect("courses:gradebook:items", course=course_obj.slug)
        elif action == "item" and item_form.is_valid():
            try:
                manual_item_save(course=course_obj, actor=request.user, **item_form.cleaned_data)
            except GradebookError as exc:
                item_form.add_error(None, str(exc))
            else:
                messages.success(request, _("Item added: its column is in the gradebook."))
                return redirect("courses:gradebook:items", course=course_obj.slug)
        elif action in ("preview", "import") and import_form.is_valid():
            upload = import_form.cleaned_data.get("file")
            try:
                text = _uploaded_text(upload) if upload else import_form.cleaned_data.get("text", "")
                result = manual_grades_import(course=course_obj, actor=request.user, text=text, dry_run=action == "preview")
            except ImportRefused as exc:
                import_errors = exc.errors
            except GradebookError as exc:
                import_errors = [str(exc)]
            else:
                if action == "import":
                    messages.success(request, ngettext(
                        "%(count)d grade imported.", "%(count)d grades imported.", len(result.changed)
                    ) % {"count": len(result.changed)})
                    return redirect("courses:gradebook:index", course=course_obj.slug)
                preview = result
                import_form = GradesImportForm(initial={"text": text})
        context = {
            "access": access, "course": course_obj, "scheme": scheme, "weights_form": weights_form, "item_form": item_form,
            "import_form": import_form, "preview": preview, "import_errors": import_errors,
            "items": selectors.manual_columns_for(course=course_obj),
        }
        refused = bool(weights_form.errors or item_form.errors or import_errors) or (action and preview is None)
        status = 400 if request.method == "POST" and refused else 200
        return render(request, "gradebook/manual_items.html", context, status=status)


@login_required
def manual_item_edit(request, course, item_id):
    access = course_access(user=request.user, slug=course, roles=INSTRUCTOR_ONLY)
    item = _manual_item_or_404(course=access.course, item_id=item_id)
    categories = _category_choices(GradeCategory.objects.filter(course=access.course))
    with timezone.override(ZoneInfo(access.course.time_zone)):
        initial = {
            "title": item.title, "weight": item.weight, "max_points": item.max_points, "due_at": item.due_at,
            "category": custom_category_key(item.category_id) if item.category_id else item.builtin_category,
        }
        form = ManualItemForm(request.POST or None, categories=categories, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                manual_item_save(course=access.course, actor=request.user, item=item, **form.cleaned_data)
            except GradebookError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Item saved."))
                return redirect("courses:gradebook:items", course=access.course.slug)
        context = {"access": access, "course": access.course, "item": item, "form": form}
        return render(request, "gradebook/manual_item_edit.html", context, status=400 if request.method == "POST" else 200)


@require_POST
@login_required
def manual_grade_cell(request, course, item_id):
    """One cell of the grid, saved on its own (JSON, CSRF): student=<id>&points=<"17,5" or empty to clear>."""
    access = course_access(user=request.user, slug=course, roles=INSTRUCTOR_ONLY)
    item = _manual_item_or_404(course=access.course, item_id=item_id)
    student_id = id_or_404(request.POST.get("student"))
    enrollment = Enrollment.objects.filter(
        course=access.course, user_id=student_id, role=Enrollment.Role.STUDENT
    ).select_related("user").first()
    if enrollment is None:
        raise Http404
    try:
        change = manual_grade_set(item=item, student=enrollment.user, points=request.POST.get("points", ""), actor=request.user)
    except GradebookError as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    standing = selectors.standing_totals(course=access.course, user_id=student_id)
    return JsonResponse({
        "student": student_id,
        "item": item.key,
        "previous": _plain(change.old),
        "points": _plain(change.new),
        "shown": points_text(change.new),
        "total": percent(standing.total_so_far, 2) if standing else "",
        "letter": standing.letter if standing else "",
    })


def _plain(value) -> str:
    return "" if value is None else format(value.normalize(), "f")


@login_required
def gradebook_csv_french(request, course):
    """The same grades for French spreadsheets: semicolons, decimal commas, French headers, UTF-8 with BOM."""
    return _gradebook_csv(request, course, layout=FRENCH, filename="notes")
