from types import SimpleNamespace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from courses.models import Enrollment
from courses.selectors import course_access
from quizzes.forms import answers_from_post
from quizzes.models import Question
from quizzes.selectors import AttemptItem
from quizzes.services import InvalidSubmission
from review.forms import ReviewSettingsForm
from review.models import Card
from review.selectors import review_log_for, review_page, review_settings_for
from review.services import InvalidReview, ReviewRefused, card_review, review_settings_set

MAX_FORM_BYTES = 50_000


def when_in_words(moment, now=None) -> str:
    """'tomorrow, Thursday 4 December' / 'in 8 days, …': the next review date as a person says it."""
    now = now or timezone.now()
    days = (timezone.localdate(moment) - timezone.localdate(now)).days
    label = date_format(timezone.localtime(moment), "l j F")
    if days <= 0:
        return _("today")
    if days == 1:
        return _("tomorrow, %(date)s") % {"date": label}
    return ngettext("in %(days)d day, %(date)s", "in %(days)d days, %(date)s", days) % {"days": days, "date": label}


def _item(question: Question, answer=None) -> AttemptItem:
    """The question as the quiz page shows it, with the quiz's own feedback rules."""
    data = question.data
    choices, options = [], []
    if question.type in (Question.Type.MULTICHOICE, Question.Type.MULTICHOICE_MULTI, Question.Type.TRUEFALSE):
        choices = data.get("answers", [])
    elif question.type == Question.Type.MATCHING:
        options = sorted({a for _s, a in data.get("pairs", [])})
    response = SimpleNamespace(answer=answer) if answer is not None else None
    return AttemptItem(number=None, question=question, response=response, choices=choices, options=options)


@login_required
def review_index(request, course):
    access = course_access(user=request.user, slug=course)
    now = timezone.now()
    page = review_page(user=request.user, course=access.course, now=now)
    feedback = None
    if "last" in request.GET:
        log = review_log_for(user=request.user, course=access.course, log_id=request.GET["last"])
        if log is not None:
            feedback = {
                "log": log,
                "notes": _item(log.question, log.answer).review(),
                "next_in_words": when_in_words(log.due_after, now),
                "lesson": log.card.quiz.lesson,
            }
    context = {
        "access": access,
        "course": access.course,
        "page": page,
        "feedback": feedback,
        "item": _item(page.question) if page.question else None,
        "shown_due": page.card.due.isoformat() if page.card else "",
        "next_in_words": when_in_words(page.next_due, now) if page.next_due else "",
        "settings_form": ReviewSettingsForm(instance=review_settings_for(course=access.course)) if access.is_instructor else None,
    }
    return render(request, "review/index.html", context)


@login_required
@require_POST
def review_answer(request, course, card):
    access = course_access(user=request.user, slug=course)
    index = reverse("courses:review:index", kwargs={"course": access.course.slug})
    if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_FORM_BYTES:
        return HttpResponseBadRequest(_("This form is not one this site sends."))
    question_id = request.POST.get("question", "")
    try:
        answers = answers_from_post(request.POST)
    except InvalidSubmission:
        return HttpResponseBadRequest(_("This form is not one this site sends."))
    if set(answers) - {question_id}:
        return HttpResponseBadRequest(_("This form is not one this site sends."))
    try:
        outcome = card_review(
            card_id=card, user=request.user, course=access.course, question_id=question_id,
            question_answer=answers.get(question_id), shown_due=request.POST.get("due", ""),
            easy=request.POST.get("easy") == "1",
        )
    except Card.DoesNotExist:
        raise Http404 from None
    except ReviewRefused as exc:
        messages.info(request, str(exc))
        return redirect(index)
    except InvalidReview:
        return HttpResponseBadRequest(_("This form is not one this site sends."))
    return redirect(f"{index}?last={outcome.log.pk}")


@login_required
def review_settings(request, course):
    access = course_access(user=request.user, slug=course, roles=(Enrollment.Role.INSTRUCTOR,))
    current = review_settings_for(course=access.course)
    form = ReviewSettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        review_settings_set(
            course=access.course, daily_cap=form.cleaned_data["daily_cap"],
            participation_credit=form.cleaned_data["participation_credit"], actor=request.user,
        )
        messages.success(request, _("Review settings saved."))
        return redirect("courses:review:index", course=access.course.slug)
    return render(request, "review/settings.html", {"access": access, "course": access.course, "form": form})
