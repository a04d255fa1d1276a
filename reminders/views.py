from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from courses.models import Enrollment
from reminders.calendar import calendar_for_user
from reminders.models import EmailOptOut, Kind
from reminders.services import email_opt_out_set
from reminders.tokens import calendar_token, read_calendar_token, read_unsubscribe_token

STUDENT_KINDS = [
    Kind.DUE_SOON, Kind.OVERDUE, Kind.INACTIVITY, Kind.REPLIES, Kind.STUDENT_SUMMARY, Kind.REVIEWS,
    Kind.ESSAY_GRADED, Kind.GRADE_ENTERED, Kind.OVERRIDE_GRANTED, Kind.POST_HIDDEN,
]
STAFF_KINDS = [Kind.REPLIES, Kind.INSTRUCTOR_DIGEST, Kind.POST_HIDDEN]


class PreferencesForm(forms.Form):
    def __init__(self, *args, kinds, opted_out, **kwargs):
        super().__init__(*args, **kwargs)
        for kind in kinds:
            self.fields[kind] = forms.BooleanField(label=Kind(kind).label, required=False, initial=kind not in opted_out)


def _kinds_for(user) -> list[str]:
    roles = set(Enrollment.objects.filter(user=user).values_list("role", flat=True))
    kinds = list(STUDENT_KINDS) if Enrollment.Role.STUDENT in roles or not roles else []
    if roles & {Enrollment.Role.INSTRUCTOR, Enrollment.Role.TEACHING_ASSISTANT}:
        kinds += [k for k in STAFF_KINDS if k not in kinds]
    return kinds


@login_required
def preferences(request):
    kinds = _kinds_for(request.user)
    opted_out = set(EmailOptOut.objects.filter(user=request.user).values_list("kind", flat=True))
    form = PreferencesForm(request.POST or None, kinds=kinds, opted_out=opted_out)
    if request.method == "POST" and form.is_valid():
        for kind in kinds:
            email_opt_out_set(user=request.user, kind=kind, opted_out=not form.cleaned_data[kind])
        messages.success(request, _("Your e-mail preferences are saved."))
        return redirect("reminders:preferences")
    feed = request.build_absolute_uri(reverse("reminders:calendar", kwargs={"token": calendar_token(user_id=request.user.pk)}))
    return render(request, "reminders/preferences.html", {"form": form, "calendar_url": feed})


@csrf_exempt  # the token is the proof; mail clients POST here without a session (RFC 8058 one-click)
def unsubscribe(request, token):
    try:
        user_id, kind = read_unsubscribe_token(token)
    except signing.BadSignature:
        raise Http404 from None
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None or kind not in Kind.values:
        raise Http404
    done = False
    if request.method == "POST":
        email_opt_out_set(user=user, kind=kind, opted_out=True)
        done = True
    return render(request, "reminders/unsubscribe.html", {"kind_label": Kind(kind).label, "done": done})


def calendar_feed(request, token):
    try:
        user_id = read_calendar_token(token)
    except signing.BadSignature:
        raise Http404 from None
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise Http404
    response = HttpResponse(calendar_for_user(user=user), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="cours.ics"'
    return response

