"""The instructor studio. Staff (instructors and TAs) read every page; only instructors write.

Each view opens the course once through `course_access`: a POST asks for the
instructor role, so a TA or a student gets 403 and anyone outside the course
404 before anything is read or written.
"""

import copy
import csv
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from courses.models import Enrollment
from courses.selectors import STAFF_ROLES, course_access
from courses.services import email_looks_alike
from coursesite.errors import ActionRefused
from coursesite.ids import id_or_404
from gradebook.forms import GradingSchemeForm
from gradebook.selectors import grading_scheme_for
from gradebook.standings import standings_fresh_frame
from lessons.models import MAX_READING_LENGTH, DiscussionPrompt
from lessons.rendering import reading_html
from lessons.selectors import lesson_access, lesson_visible_to_students
from quizzes.gift import parse_gift
from quizzes.models import Question, QuizOverride
from quizzes.question_data import question_values_from_gift
from quizzes.selectors import quiz_trash as quiz_trash_of
from quizzes.selectors import trash_question
from quizzes.services import GiftImportError, ImportMode, quiz_ensure
from reminders.forecast import FORECAST_DAYS, reminders_forecast
from studio import selectors, services
from studio.forms import (
    CourseCopyForm, EnrollmentCsvForm, EnrollmentForm, EnrolOneForm, GiftForm, LessonForm, PromptForm, QuestionByTypeForm,
    QuestionForm, QuizOverrideForm, QuizSettingsForm, starts_on_default,
)

INSTRUCTOR_ONLY = (Enrollment.Role.INSTRUCTOR,)


def _access(request, course):
    """Staff read; a POST needs the instructor role."""
    return course_access(user=request.user, slug=course, roles=INSTRUCTOR_ONLY if request.method == "POST" else STAFF_ROLES)


def _context(access, **extra):
    return {"access": access, "course": access.course, "can_write": access.is_instructor, **extra}


def _lesson(access, slug):
    return lesson_access(access=access, slug=slug)


def _seen_at(request) -> int | None:
    """The place the page showed the item at, sent with a move so that a repeated post does nothing."""
    try:
        return int(request.POST["at"])
    except (KeyError, ValueError):
        return None


def _question(lesson, question_id) -> Question:
    question = (
        Question.objects.select_related("quiz__lesson__course")
        .filter(pk=id_or_404(question_id), quiz__lesson=lesson, is_active=True)
        .first()
    )
    if question is None:
        raise Http404
    return question


@login_required
def studio_index(request, course):
    access = _access(request, course)
    context = _context(access, lessons=selectors.studio_lessons(course=access.course), audit=selectors.audit_lines(course=access.course))
    return render(request, "studio/index.html", context)


# --- Quiz ----------------------------------------------------------------------------------------


class PreviewQuestion:
    """A parsed GIFT question shaped like a stored one, for the preview (nothing saved)."""

    def __init__(self, gift, number):
        values = question_values_from_gift(gift=gift, quiz_id=0)
        self.gift, self.line, self.number = gift, gift.line, number
        self.pk = f"preview-{number}"
        for name, value in values.items():
            setattr(self, name, value)

    def get_type_display(self):
        return dict(Question.Type.choices).get(self.type, self.type)

    @property
    def stems(self):
        return [(f"{self.pk}-{index}", stem) for index, (stem, _a) in enumerate(self.data.get("pairs", [])) if stem]

    @property
    def options(self):
        return sorted({answer for _s, answer in self.data.get("pairs", [])})


def _preview(text: str):
    result = parse_gift(text)
    return [PreviewQuestion(q, n) for n, q in enumerate(result.questions, start=1)], result.errors


@login_required
def quiz_detail(request, course, lesson):
    access = _access(request, course)
    lesson_obj = _lesson(access, lesson)
    quiz = getattr(lesson_obj, "quiz", None)
    form = GiftForm()
    preview, errors = None, None
    plan = None
    if request.method == "POST":
        form = GiftForm(request.POST, request.FILES)
        if form.is_valid():
            text = form.cleaned_data["gift_text"]
            mode = form.cleaned_data.get("mode") or ImportMode.REPLACE
            preview, errors = _preview(text)
            if not errors and not preview:
                form.add_error("gift_text", _("The text has no question: nothing to import."))
                preview = None
            elif not errors and "import" not in request.POST:
                # Before anything is saved, say what the import will retire, delete and version.
                try:
                    plan = services.studio_quiz_import_plan(lesson=lesson_obj, text=text, mode=mode)
                except GiftImportError as exc:
                    errors = exc.errors
            elif not errors and "import" in request.POST:
                try:
                    report = services.studio_quiz_import(lesson=lesson_obj, text=text, actor=request.user, mode=mode)
                except GiftImportError as exc:
                    errors = exc.errors
                else:
                    messages.success(request, _("Quiz imported: %(created)d new, %(updated)d changed, %(versioned)d new versions "
                                                "(answered questions), %(removed)d removed.") % {
                        "created": report.created, "updated": report.updated, "versioned": report.versioned,
                        "removed": report.retired + report.deleted})
                    return redirect("courses:studio:quiz", course=access.course.slug, lesson=lesson_obj.slug)
            if not form.errors:
                # The text stays in the form, fixed in place and previewed again until it has no error.
                form = GiftForm(initial={"gift_text": text, "mode": mode})
    questions = selectors.quiz_questions(quiz=quiz) if quiz else []
    context = _context(access, lesson=lesson_obj, quiz=quiz, questions=questions, form=form, preview=preview, errors=errors,
                       plan=plan, question_types=Question.Type.choices)
    return render(request, "studio/quiz.html", context)


@login_required
def quiz_export(request, course, lesson):
    access = _access(request, course)
    lesson_obj = _lesson(access, lesson)
    quiz = getattr(lesson_obj, "quiz", None)
    text = services.quiz_gift_text(quiz=quiz) if quiz else ""
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{lesson_obj.slug}.gift"'
    return response


def _type_form(request, *, question_type, initial=None, rows=4, fixed_title=None):
    if request.method == "POST":
        return QuestionByTypeForm(request.POST, question_type=question_type, fixed_title=fixed_title)
    return QuestionByTypeForm(initial=initial, question_type=question_type, rows=rows, fixed_title=fixed_title)


@login_required
def question_new(request, course, lesson):
    """Add a question by form: the type comes from `?type=` (a chooser without it), the save goes through the
    same import as GIFT (`studio.services.studio_question_add`)."""
    access = _access(request, course)
    lesson_obj = _lesson(access, lesson)
    question_type = request.GET.get("type", "")
    if question_type not in Question.Type.values:
        context = _context(access, lesson=lesson_obj, question_types=Question.Type.choices)
        return render(request, "studio/question_new.html", context)
    form = _type_form(request, question_type=question_type)
    preview = None
    live = request.headers.get("X-Requested-With") == "fetch"
    if request.method == "POST" and form.is_valid():
        if "save" in request.POST and not live:
            try:
                added = services.studio_question_add(
                    lesson=lesson_obj, text=form.cleaned_data["gift_text"], actor=request.user, options=form.grading_options())
            except ActionRefused as exc:
                form.add_error("title", str(exc))
            else:
                messages.success(request, _("Question “%(title)s” added at the end of the quiz.") % {"title": added.title or added.text[:60]})
                return redirect("courses:studio:quiz", course=access.course.slug, lesson=lesson_obj.slug)
        if not form.errors:
            preview = PreviewQuestion(form.cleaned_data["gift"], 1)
    if live:
        return render(request, "studio/_question_live.html", {"form": form, "preview": preview})
    type_label = dict(Question.Type.choices)[question_type]
    context = _context(access, lesson=lesson_obj, form=form, preview=preview, question_type=question_type, type_label=type_label)
    return render(request, "studio/question_form.html", context)


@login_required
def question_edit(request, course, lesson, question):
    access = _access(request, course)
    lesson_obj = _lesson(access, lesson)
    question_obj = _question(lesson_obj, question)
    answered = question_obj.responses.exists()
    # Two views of one question: the form (where it can show the question whole) and its GIFT.
    # A post carrying `gift_text` comes from the GIFT view, whatever the default.
    by_form = QuestionByTypeForm.fits(question_obj) and request.GET.get("as") != "gift" and "gift_text" not in request.POST
    if by_form:
        return _question_edit_by_form(request, access, lesson_obj, question_obj, answered)
    preview = None
    live = request.headers.get("X-Requested-With") == "fetch"
    short_answer = question_obj.type == question_obj.Type.SHORTANSWER
    if request.method == "POST":
        form = QuestionForm(request.POST, short_answer=short_answer)
        if form.is_valid():
            try:
                edited = services.parse_one_question(question=question_obj, text=form.cleaned_data["gift_text"])
                if "save" in request.POST and not live:
                    services.studio_question_update(
                        question=question_obj, text=form.cleaned_data["gift_text"], actor=request.user,
                        options=form.grading_options(),
                    )
                    messages.success(request, _("Question saved as a new version: attempts keep the old one.") if answered
                                     else _("Question saved."))
                    return redirect("courses:studio:quiz", course=access.course.slug, lesson=lesson_obj.slug)
                preview = PreviewQuestion(edited, 1)
            except ActionRefused as exc:
                form.add_error("gift_text", str(exc))
        if live:
            # The live preview (static/js/studio.js) replaces only the preview area.
            return render(request, "studio/_question_live.html", {"form": form, "preview": preview})
    else:
        initial = {"gift_text": services.question_gift_text(question=question_obj), **QuestionForm.initial_options(question_obj)}
        form = QuestionForm(initial=initial, short_answer=short_answer)
    context = _context(access, lesson=lesson_obj, question=question_obj, answered=answered, form=form, preview=preview,
                       form_fits=QuestionByTypeForm.fits(question_obj))
    return render(request, "studio/question_edit.html", context)


def _question_edit_by_form(request, access, lesson_obj, question_obj, answered):
    initial, rows = QuestionByTypeForm.initial_from_question(question_obj)
    form = _type_form(request, question_type=question_obj.type, initial=initial, rows=rows, fixed_title=question_obj.title)
    preview = None
    live = request.headers.get("X-Requested-With") == "fetch"
    if request.method == "POST" and form.is_valid():
        if "save" in request.POST and not live:
            try:
                services.studio_question_update(
                    question=question_obj, text=form.cleaned_data["gift_text"], actor=request.user, options=form.grading_options())
            except ActionRefused as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Question saved as a new version: attempts keep the old one.") if answered
                                 else _("Question saved."))
                return redirect("courses:studio:quiz", course=access.course.slug, lesson=lesson_obj.slug)
        if not form.errors:
            preview = PreviewQuestion(form.cleaned_data["gift"], 1)
    if live:
        return render(request, "studio/_question_live.html", {"form": form, "preview": preview})
    context = _context(access, lesson=lesson_obj, question=question_obj, answered=answered, form=form, preview=preview,
                       question_type=question_obj.type, type_label=question_obj.get_type_display(),
                       gift_text=services.question_gift_text(question=question_obj))
    return render(request, "studio/question_form.html", context)


@login_required
def question_delete(request, course, lesson, question):
    """« Supprimer » asks first: GET shows what will happen, POST deletes (the question goes to the « Corbeille »)."""
    access = _access(request, course)
    lesson_obj = _lesson(access, lesson)
    question_obj = _question(lesson_obj, question)
    if request.method == "POST":
        try:
            services.studio_question_delete(question=question_obj, actor=request.user)
        except ActionRefused as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Question deleted: the trash keeps it for 30 days."))
        return redirect("courses:studio:quiz", course=access.course.slug, lesson=lesson_obj.slug)
    answered = question_obj.responses.exists()
    context = _context(access, lesson=lesson_obj, question=question_obj, answered=answered)
    return render(request, "studio/question_delete.html", context)


@login_required
def quiz_trash(request, course, lesson):
    """The « Corbeille »: questions retired by an import or deleted, restorable for 30 days."""
    access = _access(request, course)
    lesson_obj = _lesson(access, lesson)
    quiz = getattr(lesson_obj, "quiz", None)
    trash = quiz_trash_of(quiz=quiz) if quiz else []
    return render(request, "studio/trash.html", _context(access, lesson=lesson_obj, quiz=quiz, trash=trash))


@login_required
@require_POST
def question_restore(request, course, lesson, question):
    access = _access(request, course)
    lesson_obj = _lesson(access, lesson)
    quiz = getattr(lesson_obj, "quiz", None)
    if quiz is None:
        raise Http404
    question_obj = trash_question(quiz=quiz, question_id=question)
    if services.studio_question_restore(question=question_obj, actor=request.user):
        messages.success(request, _("Question “%(title)s” restored at the end of the quiz.") % {"title": question_obj.title or question_obj.text[:60]})
    return redirect("courses:studio:quiz", course=access.course.slug, lesson=lesson_obj.slug)


@login_required
@require_POST
def question_action(request, course, lesson, question):
    access = _access(request, course)
    lesson_obj = _lesson(access, lesson)
    question_obj = _question(lesson_obj, question)
    action = request.POST.get("action")
    try:
        if action in ("up", "down"):
            services.studio_question_move(question=question_obj, direction=action, actor=request.user, seen_at=_seen_at(request))
        elif action in ("hide", "show"):
            services.studio_question_hide(question=question_obj, hidden=action == "hide", actor=request.user)
            messages.success(request, _("Question hidden from new attempts.") if action == "hide" else _("Question shown again."))
        elif action == "delete":
            services.studio_question_delete(question=question_obj, actor=request.user)
            messages.success(request, _("Question deleted."))
        else:
            messages.error(request, _("Unknown action."))
    except ActionRefused as exc:
        messages.error(request, str(exc))
    return redirect("courses:studio:quiz", course=access.course.slug, lesson=lesson_obj.slug)


@login_required
def quiz_settings(request, course, lesson):
    access = _access(request, course)
    lesson_obj = _lesson(access, lesson)
    quiz = getattr(lesson_obj, "quiz", None) or (quiz_ensure(lesson=lesson_obj) if request.method == "POST" else None)
    if quiz is None:
        raise Http404
    consequences = None
    if request.method == "POST":
        form = QuizSettingsForm(request.POST, instance=quiz)
        if form.is_valid():
            values = {name: form.cleaned_data[name] for name in QuizSettingsForm.Meta.fields}
            consequences = services.quiz_settings_consequences(quiz=quiz, values=values)
            if not consequences or "confirm" in request.POST:
                try:
                    changed = services.studio_quiz_settings_update(quiz=quiz, actor=request.user, **values)
                except ActionRefused as exc:
                    form.add_error(None, str(exc))
                else:
                    messages.success(request, _("Quiz settings saved.") if changed else _("Nothing changed."))
                    return redirect("courses:studio:quiz", course=access.course.slug, lesson=lesson_obj.slug)
    else:
        form = QuizSettingsForm(instance=quiz)
    context = _context(access, lesson=lesson_obj, quiz=quiz, form=form, consequences=consequences)
    return render(request, "studio/quiz_settings.html", context)


# --- Overrides: a student's or a group's own quiz dates ----------------------------------------------


def _override_quiz(access, lesson):
    lesson_obj = _lesson(access, lesson)
    quiz = getattr(lesson_obj, "quiz", None)
    if quiz is None:
        raise Http404
    return lesson_obj, quiz


def _override_values(form) -> dict:
    return {name: form.cleaned_data[name] for name in ("opens_at", "due_at", "time_limit_minutes", "max_attempts")}


def _override_save(request, access, quiz, form) -> bool:
    """Save a valid form through the studio's service; False (with the reason on the form) when refused."""
    user_id, group = form.target()
    student = next((e.user for e in form.students if e.user_id == user_id), None) if user_id else None
    try:
        changed = services.studio_quiz_override_save(
            quiz=quiz, actor=request.user, user=student, group=group, **_override_values(form)
        )
    except ActionRefused as exc:
        form.add_error(None, str(exc))
        return False
    messages.success(request, _("Dates saved; the student is told.") if changed else _("Nothing changed."))
    return True


def _override_form(page, data=None, **kwargs) -> QuizOverrideForm:
    form = QuizOverrideForm(data, students=page.students, groups=page.groups, **kwargs)
    form.students = page.students
    return form


@login_required
def quiz_overrides(request, course, lesson):
    """A quiz's overrides: list, and add one for a student or a group (a second one for the same target edits it)."""
    access = _access(request, course)
    lesson_obj, quiz = _override_quiz(access, lesson)
    page = selectors.quiz_overrides_page(quiz=quiz)
    form = _override_form(page, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid() and _override_save(request, access, quiz, form):
        return redirect("courses:studio:quiz_overrides", course=access.course.slug, lesson=lesson_obj.slug)
    return render(request, "studio/quiz_overrides.html", _context(access, lesson=lesson_obj, quiz=quiz, page=page, form=form))


@login_required
def quiz_override_edit(request, course, lesson, override):
    access = _access(request, course)
    lesson_obj, quiz = _override_quiz(access, lesson)
    row = selectors.quiz_override_for(quiz=quiz, override_id=id_or_404(override))
    page = selectors.quiz_overrides_page(quiz=quiz)
    who = f"student:{row.user_id}" if row.user_id else f"group:{row.group}"
    form = _override_form(page, request.POST if request.method == "POST" else None, current_due_at=row.due_at, initial={
        "who": who, "opens_at": row.opens_at, "due_at": row.due_at,
        "time_limit_minutes": row.time_limit_minutes, "max_attempts": row.max_attempts,
    })
    form.fields["who"].disabled = True  # the target stays the row's: only its dates change here
    if request.method == "POST" and form.is_valid() and _override_save(request, access, quiz, form):
        return redirect("courses:studio:quiz_overrides", course=access.course.slug, lesson=lesson_obj.slug)
    return render(request, "studio/quiz_override.html", _context(access, lesson=lesson_obj, quiz=quiz, row=row, form=form))


@login_required
@require_POST
def quiz_override_delete(request, course, lesson, override):
    access = _access(request, course)
    lesson_obj, quiz = _override_quiz(access, lesson)
    row = QuizOverride.objects.select_related("user", "quiz__lesson__course").filter(quiz=quiz, pk=id_or_404(override)).first()
    if row is not None:  # a second click finds it gone: nothing to do
        services.studio_quiz_override_delete(override=row, actor=request.user)
        messages.success(request, _("Removed: the usual dates apply again."))
    return redirect("courses:studio:quiz_overrides", course=access.course.slug, lesson=lesson_obj.slug)


# --- Lessons -------------------------------------------------------------------------------------


@login_required
def lessons(request, course):
    access = _access(request, course)
    return render(request, "studio/lessons.html", _context(access, lessons=selectors.studio_lessons(course=access.course)))


@login_required
@require_POST
def lesson_action(request, course, lesson):
    access = _access(request, course)
    lesson_obj = _lesson(access, lesson)
    action = request.POST.get("action")
    if action in ("up", "down"):
        services.studio_lesson_move(lesson=lesson_obj, direction=action, actor=request.user, seen_at=_seen_at(request))
    elif action in ("publish", "unpublish"):
        services.studio_lesson_update(lesson=lesson_obj, actor=request.user, is_published=action == "publish")
        messages.success(request, _("Lesson published.") if action == "publish" else _("Lesson unpublished: only staff see it."))
    return redirect("courses:studio:lessons", course=access.course.slug)


def _reading_preview_url(access) -> str:
    return reverse("courses:studio:reading_preview", kwargs={"course": access.course.slug})


def _lesson_save_or_errors(form, save) -> bool:
    """Run the save; a refusal (the due date) goes back to the form, which keeps what was typed."""
    try:
        save()
    except ActionRefused as exc:
        form.add_error("due_at", str(exc))
        return False
    return True


@login_required
def lesson_new(request, course):
    """A lesson written in the site: the same editor as an existing lesson's, then its page for the prompts."""
    access = _access(request, course)
    form_kwargs = {"course": access.course, "preview_url": _reading_preview_url(access)}
    if request.method == "POST":
        form = LessonForm(request.POST, **form_kwargs)
        if form.is_valid() and "preview" not in request.POST:
            created = []

            def save():
                created.append(services.studio_lesson_create(
                    course=access.course, actor=request.user, due_at=form.cleaned_data["due_at"], **form.lesson_values()))

            if _lesson_save_or_errors(form, save):
                messages.success(request, _("Lesson created. Add its discussion prompts below; its quiz is in the Quizzes tab."))
                return redirect("courses:studio:lesson", course=access.course.slug, lesson=created[0].slug)
    else:
        form = LessonForm(initial={"is_published": False}, **form_kwargs)
    context = _context(access, form=form, preview_html=_form_preview(form))
    return render(request, "studio/lesson_new.html", context)


def _form_preview(form) -> str:
    """The reading's preview under the editor (JavaScript refreshes it while typing)."""
    text = form.data.get("reading_markdown") if form.is_bound else form.initial.get("reading_markdown")
    return reading_html(text or "")


@login_required
def lesson_edit(request, course, lesson):
    access = _access(request, course)
    lesson_obj = _lesson(access, lesson)
    quiz = getattr(lesson_obj, "quiz", None)
    due_at = quiz.due_at if quiz else None
    form_kwargs = {"course": access.course, "preview_url": _reading_preview_url(access), "current_due_at": due_at}
    if request.method == "POST":
        form = LessonForm(request.POST, **form_kwargs)
        if form.is_valid() and "preview" not in request.POST:
            def save():
                services.studio_lesson_edit(lesson=lesson_obj, actor=request.user, due_at=form.cleaned_data["due_at"],
                                            **form.lesson_values(keep_reading_of=lesson_obj))

            if _lesson_save_or_errors(form, save):
                messages.success(request, _("Lesson saved."))
                return redirect("courses:studio:lesson", course=access.course.slug, lesson=lesson_obj.slug)
    else:
        form = LessonForm(initial={**LessonForm.initial_from(lesson_obj, access.course), "due_at": due_at}, **form_kwargs)
    prompts = list(DiscussionPrompt.objects.filter(lesson=lesson_obj).order_by("position"))
    context = _context(
        access, lesson=lesson_obj, form=form, prompts=prompts, prompt_form=PromptForm(prefix="new"),
        preview_html=_form_preview(form), visible_to_students=lesson_visible_to_students(lesson_obj),
    )
    return render(request, "studio/lesson_edit.html", context)


@login_required
@require_POST
def lesson_delete(request, course, lesson):
    access = _access(request, course)
    lesson_obj = _lesson(access, lesson)
    if request.POST.get("confirm") != "1":
        messages.error(request, _("Tick the confirmation box to delete the lesson."))
        return redirect("courses:studio:lesson", course=access.course.slug, lesson=lesson_obj.slug)
    try:
        services.studio_lesson_delete(lesson=lesson_obj, actor=request.user)
    except ActionRefused as exc:
        messages.error(request, str(exc))
        return redirect("courses:studio:lesson", course=access.course.slug, lesson=lesson_obj.slug)
    messages.success(request, _("Lesson “%(title)s” deleted.") % {"title": lesson_obj.title})
    return redirect("courses:studio:lessons", course=access.course.slug)


@login_required
@require_POST
def reading_preview(request, course):
    """The reading as the lesson page shows it (nothing saved); the editor's live preview asks for it."""
    _access(request, course)
    text = request.POST.get("reading_markdown", "")
    if len(text) > MAX_READING_LENGTH:
        return HttpResponse(_("The text is too long to preview."), status=400)
    return HttpResponse(reading_html(text), content_type="text/html; charset=utf-8")


@login_required
@require_POST
def prompt_add(request, course, lesson):
    access = _access(request, course)
    lesson_obj = _lesson(access, lesson)
    form = PromptForm(request.POST, prefix="new")
    if form.is_valid():
        services.studio_prompt_add(lesson=lesson_obj, actor=request.user, **form.cleaned_data)
        messages.success(request, _("Prompt added; its discussion thread is open."))
    else:
        messages.error(request, _("A prompt needs a title and a question."))
    return redirect("courses:studio:lesson", course=access.course.slug, lesson=lesson_obj.slug)


@login_required
@require_POST
def prompt_edit(request, course, lesson, prompt):
    access = _access(request, course)
    lesson_obj = _lesson(access, lesson)
    prompt_obj = DiscussionPrompt.objects.filter(pk=id_or_404(prompt), lesson=lesson_obj).select_related("lesson__course").first()
    if prompt_obj is None:
        raise Http404
    action = request.POST.get("action", "save")
    if action in ("retire", "restore"):
        services.studio_prompt_update(prompt=prompt_obj, actor=request.user, is_active=action == "restore")
        messages.success(request, _("Prompt retired: its answers stay in the discussion.") if action == "retire" else _("Prompt restored."))
    else:
        form = PromptForm(request.POST, prefix=f"p{prompt_obj.pk}")
        if form.is_valid():
            services.studio_prompt_update(prompt=prompt_obj, actor=request.user, **form.cleaned_data)
            messages.success(request, _("Prompt saved."))
        else:
            messages.error(request, _("A prompt needs a title and a question."))
    return redirect("courses:studio:lesson", course=access.course.slug, lesson=lesson_obj.slug)


# --- People --------------------------------------------------------------------------------------


def _people_context(request, access, **forms):
    search = request.GET.get("q", "")[:100].strip()
    page = selectors.course_people(course=access.course, search=search, page_number=request.GET.get("page"))
    removed = selectors.removed_people(course=access.course)
    people = list(page.object_list)
    states = selectors.people_states(people=people)
    rows = [(enrollment, states[enrollment.user_id]) for enrollment in people]
    return _context(
        access, people=people, page=page, search=search, rows=rows, removed=removed, roles=Enrollment.Role.choices,
        pending_count=selectors.pending_activation_count(course=access.course),
        csv_form=forms.get("csv_form") or EnrollmentCsvForm(prefix="csv"),
        one_form=forms.get("one_form") or EnrolOneForm(prefix="one"),
    )


@login_required
def people(request, course):
    access = _access(request, course)
    if request.method == "POST":
        csv_form, one_form = None, None
        if "csv-role" in request.POST:
            csv_form = EnrollmentCsvForm(request.POST, request.FILES, prefix="csv")
            if csv_form.is_valid() and services.enrolment_csv_line_count(csv_text=csv_form.cleaned_data["csv_file"]) > services.ASYNC_ENROLMENT_LINES:
                job = services.enrolment_import_queue(
                    course=access.course, csv_text=csv_form.cleaned_data["csv_file"], role=csv_form.cleaned_data["role"],
                    actor=request.user, create_accounts=csv_form.cleaned_data["create_accounts"],
                    allow_look_alikes=csv_form.cleaned_data["confirm_look_alikes"],
                )
                return redirect("courses:studio:enrolment_import", course=access.course.slug, import_id=job.pk)
            if csv_form.is_valid():
                try:
                    result = services.studio_enrollments_from_csv(
                        course=access.course, csv_text=csv_form.cleaned_data["csv_file"], role=csv_form.cleaned_data["role"],
                        actor=request.user, create_accounts=csv_form.cleaned_data["create_accounts"],
                        allow_look_alikes=csv_form.cleaned_data["confirm_look_alikes"],
                    )
                except ValidationError as exc:
                    for message in exc.messages:
                        csv_form.add_error("csv_file", message)
                else:
                    messages.success(request, _("%(enrolled)d people enrolled (%(created)d new accounts), %(already)d already enrolled.") % {
                        "enrolled": result.created_enrollments, "created": result.created_users, "already": result.already_enrolled})
                    if result.created_users:
                        messages.info(request, ngettext(
                            "An invitation e-mail is on its way to %(count)d new account.",
                            "Invitation e-mails are on their way to the %(count)d new accounts.", result.created_users,
                        ) % {"count": result.created_users})
                    return redirect("courses:studio:people", course=access.course.slug)
        else:
            one_form = EnrolOneForm(request.POST, prefix="one")
            if one_form.is_valid():
                buffer = io.StringIO()
                csv.writer(buffer).writerow([one_form.cleaned_data["email"], "", "", one_form.cleaned_data["group"]])
                try:
                    result = services.studio_enrollments_from_csv(
                        course=access.course, csv_text=buffer.getvalue(), role=one_form.cleaned_data["role"],
                        actor=request.user, create_accounts=one_form.cleaned_data["create_accounts"],
                        allow_look_alikes=one_form.cleaned_data["confirm_look_alikes"],
                    )
                except ValidationError:
                    if email_looks_alike(one_form.cleaned_data["email"]):
                        one_form.add_error("email", _("This address mixes alphabets or is in punycode: check it with the person, "
                                                      "then tick “This address is right”."))
                    else:
                        one_form.add_error("email", _("No account has this address. Tick “Create the account” to enrol it anyway."))
                else:
                    messages.success(request, _("Enrolled.") if result.created_enrollments else _("Already enrolled: nothing changed."))
                    if result.created_users:
                        messages.info(request, ngettext(
                            "An invitation e-mail is on its way to %(count)d new account.",
                            "Invitation e-mails are on their way to the %(count)d new accounts.", result.created_users,
                        ) % {"count": result.created_users})
                    return redirect("courses:studio:people", course=access.course.slug)
        return render(request, "studio/people.html", _people_context(request, access, csv_form=csv_form, one_form=one_form))
    return render(request, "studio/people.html", _people_context(request, access))


@login_required
def enrolment_import(request, course, import_id):
    """A large CSV enrolment's progress, then its report; the page refreshes itself until it is done."""
    access = _access(request, course)
    job = selectors.enrolment_import_for(course=access.course, import_id=id_or_404(import_id))
    return render(request, "studio/enrolment_import.html", _context(access, job=job))


@login_required
@require_POST
def enrollment_action(request, course, user_id):
    access = _access(request, course)
    user_id = id_or_404(user_id)
    action = request.POST.get("action")
    try:
        if action == "restore":
            services.studio_enrollment_restore(course=access.course, user_id=user_id, actor=request.user)
            messages.success(request, _("Enrolment restored; their work is back in the gradebook."))
        else:
            enrollment = Enrollment.objects.select_related("user", "course").filter(course=access.course, user_id=user_id).first()
            if enrollment is None:
                raise Http404
            if action == "resend":
                if services.studio_invitations_resend(course=access.course, actor=request.user, user_ids=[user_id]):
                    messages.success(request, _("A new invitation is on its way; the previous link no longer works."))
                else:
                    messages.info(request, _("This person has already activated their account: nothing sent."))
            elif action == "remove":
                services.studio_enrollment_remove(enrollment=enrollment, actor=request.user)
                messages.success(request, _("Removed from the course. Their work is kept; “Restore” brings them back."))
            else:
                form = EnrollmentForm(request.POST)
                if form.is_valid():
                    changed = services.studio_enrollment_update(enrollment=enrollment, actor=request.user, **form.cleaned_data)
                    messages.success(request, _("Saved.") if changed else _("Nothing changed."))
                else:
                    messages.error(request, _("Choose a role; a group has at most 50 characters; extra time is from 0 to 300 %."))
    except ActionRefused as exc:
        messages.error(request, str(exc))
    return redirect("courses:studio:people", course=access.course.slug)


@login_required
@require_POST
def invitations_resend_all(request, course):
    access = _access(request, course)
    count = services.studio_invitations_resend(course=access.course, actor=request.user)
    messages.success(request, ngettext(
        "%(count)d invitation sent again.", "%(count)d invitations sent again.", count) % {"count": count})
    return redirect("courses:studio:people", course=access.course.slug)


# --- Grading scheme ------------------------------------------------------------------------------


@login_required
def scheme(request, course):
    access = _access(request, course)
    record = grading_scheme_for(course=access.course)
    preview = None
    if request.method == "POST":
        form = GradingSchemeForm(request.POST, extra_weight=record.extra_weight)
        if form.is_valid():
            if "save" in request.POST:
                try:
                    services.studio_grading_scheme_update(course=access.course, actor=request.user, **form.cleaned_data)
                except ActionRefused as exc:
                    form.add_error(None, str(exc))
                else:
                    messages.success(request, _("Grading scheme saved."))
                    return redirect("courses:studio:scheme", course=access.course.slug)
            else:
                proposed = copy.copy(record)  # the saved scheme (or the defaults) with the typed values, unsaved
                for name, value in form.cleaned_data.items():
                    setattr(proposed, name, value)
                # The kept standings brought up to date first: "now" is what the gradebook shows.
                frame = standings_fresh_frame(course=access.course)
                preview = selectors.scheme_preview(course=access.course, proposed=proposed, frame=frame)
    else:
        form = GradingSchemeForm(initial=GradingSchemeForm.initial_from(record), extra_weight=record.extra_weight)
    return render(request, "studio/scheme.html", _context(access, form=form, preview=preview))


# --- Course copy ---------------------------------------------------------------------------------


@login_required
def course_copy(request, course):
    access = _access(request, course)
    if request.method == "POST":
        form = CourseCopyForm(request.POST)
        if form.is_valid():
            try:
                # The service decides about an existing address: the same copy again is returned as it is.
                copy = services.course_copy(course=access.course, actor=request.user, **form.cleaned_data)
            except ActionRefused as exc:
                form.add_error("new_slug", str(exc))
            else:
                messages.success(request, _("Course copied. Students are not copied: enrol them in the new course."))
                return redirect("courses:studio:index", course=copy.slug)
    else:
        form = CourseCopyForm(initial={"title": access.course.title, "starts_on": starts_on_default()})
    return render(request, "studio/copy.html", _context(access, form=form))


# --- What will be sent ---------------------------------------------------------------------------


@login_required
def upcoming(request, course):
    """« Ce qui partira »: the reminders and digests of the next 7 days, as the sweeps will decide them."""
    access = _access(request, course)
    return render(
        request, "studio/upcoming.html",
        _context(access, upcoming=reminders_forecast(course=access.course), days=FORECAST_DAYS),
    )
