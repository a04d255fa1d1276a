from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from courses.selectors import STAFF_ROLES, course_access
from coursesite.ids import id_or_none
from lessons.selectors import lesson_access
from quizzes.dates import QuizDates, quiz_dates_for
from quizzes.forms import EssayGradeForm, answers_from_post
from quizzes.models import Question, Response
from quizzes.selectors import (
    attempt_access,
    attempt_items,
    essay_queue,
    quiz_for_lesson,
    quiz_grade_percent,
    review_allowed,
    user_attempts,
)
from quizzes.services import (
    AttemptError,
    InvalidSubmission,
    attempt_save,
    attempt_start,
    attempt_submit,
    attempts_expire_for,
    quiz_regrade,
    response_grade_manually,
)

# A form bigger than this is not a quiz page's: refuse it before parsing (huge payloads get 400).
MAX_FORM_BYTES = 200_000


def _quiz_context(request, course, lesson):
    access = course_access(user=request.user, slug=course)
    lesson_obj = lesson_access(access=access, slug=lesson)
    return access, lesson_obj, quiz_for_lesson(lesson=lesson_obj)


def _attempt_context(request, course, attempt):
    access = course_access(user=request.user, slug=course)
    return access, attempt_access(access=access, user=request.user, attempt_id=attempt)


def _too_big(request) -> bool:
    return int(request.META.get("CONTENT_LENGTH") or 0) > MAX_FORM_BYTES


@login_required
def quiz_start(request, course, lesson):
    access, lesson_obj, quiz = _quiz_context(request, course, lesson)
    if request.method == "POST":
        preview = request.POST.get("preview") == "1" and access.is_staff
        try:
            attempt = attempt_start(quiz=quiz, user=request.user, preview=preview)
        except AttemptError as exc:
            messages.error(request, str(exc))
            return redirect("courses:quizzes:start", course=access.course.slug, lesson=lesson_obj.slug)
        return redirect("courses:quizzes:take", course=access.course.slug, attempt=attempt.pk)
    attempts_expire_for(quiz=quiz, user=request.user)
    attempts = user_attempts(quiz=quiz, user=request.user)
    counted = [a for a in attempts if not a.is_preview]
    in_progress = next((a for a in attempts if not a.is_submitted), None)
    # The reader's own dates (a student's overrides and extra time), shown as theirs when they differ.
    dates = quiz_dates_for(quizzes=[quiz], user_id=request.user.pk)[quiz.pk]
    attempts_left = dates.attempts_left(len(counted))
    context = {
        "access": access,
        "course": access.course,
        "lesson": lesson_obj,
        "quiz": quiz,
        "attempts": counted,
        "in_progress": in_progress,
        "attempts_left": attempts_left,
        "question_count": quiz.questions.filter(is_active=True).exclude(type=Question.Type.DESCRIPTION).count(),
        "grade": quiz_grade_percent(attempts=counted, method=quiz.grading_method),
        "dates": dates,
        "own_dates": dates != QuizDates.of_quiz(quiz),
        "is_open": dates.is_open(),
        "can_start": in_progress is None and dates.accepts_work(late_policy=quiz.late_policy) and attempts_left != 0,
        "now": timezone.now(),
    }
    return render(request, "quizzes/start.html", context)


@login_required
def attempt_take(request, course, attempt):
    access, attempt_obj = _attempt_context(request, course, attempt)
    if attempt_obj.user_id != request.user.pk:
        return redirect("courses:quizzes:result", course=access.course.slug, attempt=attempt_obj.pk)
    if request.method == "POST":
        if _too_big(request):
            return HttpResponseBadRequest(_("This form is too large."))
        try:
            attempt_obj = attempt_save(attempt_id=attempt_obj.pk, answers=answers_from_post(request.POST))
        except InvalidSubmission:
            return HttpResponseBadRequest(_("This form does not match your attempt."))
        except AttemptError as exc:
            messages.error(request, str(exc))
            return redirect("courses:quizzes:result", course=access.course.slug, attempt=attempt_obj.pk)
        if attempt_obj.is_submitted:
            messages.warning(request, _("Time ran out: your attempt was submitted with the answers saved before the limit."))
            return redirect("courses:quizzes:result", course=access.course.slug, attempt=attempt_obj.pk)
        if "finish" in request.POST:
            return redirect("courses:quizzes:confirm", course=access.course.slug, attempt=attempt_obj.pk)
        messages.success(request, _("Your answers are saved."))
        return redirect("courses:quizzes:take", course=access.course.slug, attempt=attempt_obj.pk)
    attempts_expire_for(quiz=attempt_obj.quiz, user=request.user)
    attempt_obj.refresh_from_db(fields=["status"])
    if attempt_obj.is_submitted:
        return redirect("courses:quizzes:result", course=access.course.slug, attempt=attempt_obj.pk)
    context = {
        "access": access,
        "course": access.course,
        "lesson": attempt_obj.quiz.lesson,
        "attempt": attempt_obj,
        "items": attempt_items(attempt=attempt_obj),
    }
    return render(request, "quizzes/take.html", context)


@login_required
@require_POST
def attempt_autosave(request, course, attempt):
    """The quiz page saves as the student goes; answers 200 with the time, 400 on a tampered form, 409 once closed."""
    access, attempt_obj = _attempt_context(request, course, attempt)
    if attempt_obj.user_id != request.user.pk:
        return JsonResponse({"error": "forbidden"}, status=404)
    if _too_big(request):
        return JsonResponse({"error": "too large"}, status=400)
    try:
        attempt_obj = attempt_save(attempt_id=attempt_obj.pk, answers=answers_from_post(request.POST))
    except InvalidSubmission as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    except AttemptError as exc:
        return JsonResponse({"error": str(exc), "closed": True}, status=409)
    if attempt_obj.is_submitted:
        return JsonResponse({"error": _("Time ran out: your attempt was submitted."), "closed": True}, status=409)
    now = timezone.localtime()
    return JsonResponse({"saved": True, "message": _("Saved at %(time)s") % {"time": time_format(now, "H:i:s")}})


@login_required
def attempt_confirm(request, course, attempt):
    access, attempt_obj = _attempt_context(request, course, attempt)
    if attempt_obj.user_id != request.user.pk or attempt_obj.is_submitted:
        return redirect("courses:quizzes:result", course=access.course.slug, attempt=attempt_obj.pk)
    if request.method == "POST":
        attempt_obj = attempt_submit(attempt_id=attempt_obj.pk)
        messages.success(request, _("Your attempt is submitted."))
        return redirect("courses:quizzes:result", course=access.course.slug, attempt=attempt_obj.pk)
    items = [item for item in attempt_items(attempt=attempt_obj) if item.question.gives_points]
    unanswered = [item for item in items if item.answer in (None, "", [], {})]
    context = {
        "access": access, "course": access.course, "lesson": attempt_obj.quiz.lesson,
        "attempt": attempt_obj, "items": items, "unanswered": unanswered,
    }
    return render(request, "quizzes/confirm.html", context)


@login_required
def attempt_result(request, course, attempt):
    access, attempt_obj = _attempt_context(request, course, attempt)
    if not attempt_obj.is_submitted and attempt_obj.user_id == request.user.pk:
        return redirect("courses:quizzes:take", course=access.course.slug, attempt=attempt_obj.pk)
    context = {
        "access": access,
        "course": access.course,
        "lesson": attempt_obj.quiz.lesson,
        "attempt": attempt_obj,
        "items": attempt_items(attempt=attempt_obj),
        "show_review": review_allowed(attempt=attempt_obj, viewer_is_staff=access.is_staff),
    }
    if not context["show_review"] and attempt_obj.quiz.review_policy == attempt_obj.quiz.ReviewPolicy.AFTER_DUE:
        # The answers wait for the student's own due date.
        context["review_due_at"] = quiz_dates_for(quizzes=[attempt_obj.quiz], user_id=attempt_obj.user_id)[attempt_obj.quiz_id].due_at
    return render(request, "quizzes/result.html", context)


@login_required
def essay_grading_queue(request, course):
    access = course_access(user=request.user, slug=course, roles=STAFF_ROLES)
    if request.method == "POST":
        response = Response.objects.select_related("question", "attempt__quiz__lesson").filter(
            pk=id_or_none(request.POST.get("response")), attempt__quiz__lesson__course=access.course
        ).first()
        if response is None:
            return HttpResponseBadRequest(_("Unknown answer."))
        form = EssayGradeForm(request.POST, max_points=response.question.points)
        if form.is_valid():
            response_grade_manually(
                response_id=response.pk, grader=request.user,
                score=form.cleaned_data["score"], comment=form.cleaned_data["comment"],
            )
            messages.success(request, _("Grade saved."))
            return redirect("courses:quizzes:essays", course=access.course.slug)
        queue = essay_queue(course=access.course)
        forms_by_response = {r.pk: (form if r.pk == response.pk else EssayGradeForm(max_points=r.question.points)) for r in queue}
    else:
        queue = essay_queue(course=access.course)
        forms_by_response = {r.pk: EssayGradeForm(max_points=r.question.points) for r in queue}
    context = {
        "access": access, "course": access.course,
        "queue": [(response, forms_by_response[response.pk]) for response in queue],
    }
    return render(request, "quizzes/essay_queue.html", context)


@login_required
@require_POST
def quiz_regrade_view(request, course, lesson):
    access = course_access(user=request.user, slug=course, roles=STAFF_ROLES)
    lesson_obj = lesson_access(access=access, slug=lesson)
    quiz = quiz_for_lesson(lesson=lesson_obj)
    changed = quiz_regrade(quiz=quiz, actor=request.user)
    messages.success(request, ngettext(
        "Attempts regraded: %(count)d score changed.", "Attempts regraded: %(count)d scores changed.", changed,
    ) % {"count": changed})
    return redirect("courses:quizzes:start", course=access.course.slug, lesson=lesson_obj.slug)
