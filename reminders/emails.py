"""Reminder e-mails: plain text and HTML, in the reader's language, with a one-click unsubscribe."""

import hashlib
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.selectors import invitation_url, open_invitation_for
from reminders.models import NOTICE_KINDS, UNSUBSCRIBE_KIND, Kind, Reminder
from reminders.tokens import unsubscribe_token


def _subject(kind: str, reminders: list[Reminder]) -> str:
    first = reminders[0].context
    if kind == Kind.DUE_SOON:
        return _("Reminder: %(quiz)s is due soon") % {"quiz": first["quiz"]} if len(reminders) == 1 else _("Reminder: quizzes due soon")
    if kind == Kind.OVERDUE:
        return _("%(quiz)s is past due: there is still time to submit it") % {"quiz": first["quiz"]}
    if kind == Kind.INACTIVITY:
        return _("We miss you in %(course)s") % {"course": first["course"]}
    if kind == Kind.REPLIES:
        return first["title"]
    if kind in NOTICE_KINDS:
        return first["title"] if len(reminders) == 1 else Kind(kind).label
    if kind == Kind.INSTRUCTOR_DIGEST:
        return _("Your week in %(course)s") % {"course": first["course"]}
    if kind == Kind.INVITATION:
        return _("Invitation: %(course)s") % {"course": first["course"]} if first.get("course") else _("Your account on the course site")
    if kind == Kind.INVITATION_REMINDER:
        return _("Reminder: your invitation to %(course)s") % {"course": first["course"]} if first.get("course") else _("Reminder: your invitation")
    if kind == Kind.REVIEWS:
        return _("Reviews to do today: %(count)s questions") % {"count": first["count"]}
    return _("Your week in %(course)s: done and to do") % {"course": first["course"]}


DATE_FORMAT = "l j F Y, H:i"


def _when(iso: str) -> str:
    # Formatted once here for both the text and the HTML part: date formatting is most of an e-mail's cost.
    return date_format(timezone.localtime(parse_datetime(iso)), DATE_FORMAT)


def _with_dates(reminders: list[Reminder]) -> list[dict]:
    items = []
    for reminder in reminders:
        context = dict(reminder.context)
        if "due_at" in context:
            context["due_label"] = _when(context["due_at"])
        context["due"] = [{**due, "due_label": _when(due["due_at"])} for due in context.get("due", [])]
        items.append(context)
    return items


def _invitation(user) -> dict:
    """The link of the account's open invitation, made now (links are never stored); empty once accepted."""
    invitation = open_invitation_for(user_id=user.pk)
    if invitation is None:
        return {"login_url": settings.SITE_URL + reverse("login")}
    return {"url": invitation_url(invitation=invitation), "expires_label": _when(invitation.expires_at.isoformat())}


def message_id(reminders: list[Reminder]) -> str:
    """The Message-ID of the e-mail made of these outbox rows: the same rows give the same id on every attempt.

    So an e-mail sent again after a crash is recognisably the same one (mail systems drop the copy).
    """
    pks = sorted(r.pk for r in reminders)
    digest = hashlib.sha256(",".join(map(str, pks)).encode()).hexdigest()[:16]
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "localhost"
    return f"<reminder.{pks[0]}.{digest}@{domain}>"


def build_message(*, user, kind: str, reminders: list[Reminder]) -> EmailMultiAlternatives:
    """One e-mail for all of a person's pending reminders of one kind (a review nudge may ride in a quiz reminder)."""
    riders = [r for r in reminders if r.kind == Kind.REVIEWS and kind != Kind.REVIEWS]
    reminders = [r for r in reminders if r not in riders]
    with translation.override(user.preferred_language):
        unsubscribe_kind = UNSUBSCRIBE_KIND.get(kind, kind)
        unsubscribe_url = settings.SITE_URL + reverse("reminders:unsubscribe", kwargs={"token": unsubscribe_token(user_id=user.pk, kind=unsubscribe_kind)})
        context = {
            "user": user,
            "kind": kind,
            "items": _with_dates(reminders),
            "site_url": settings.SITE_URL,
            "unsubscribe_url": unsubscribe_url,
            "preferences_url": settings.SITE_URL + reverse("reminders:preferences"),
            "kind_label": Kind(unsubscribe_kind).label,
            "reviews": [course for rider in riders for course in rider.context.get("courses", [])],
        }
        if kind in (Kind.INVITATION, Kind.INVITATION_REMINDER):
            context["invitation"] = _invitation(user)
        subject = _subject(kind, reminders)
        text = render_to_string(f"reminders/email/{kind}.txt", context)
        html = render_to_string("reminders/email/base.html", {**context, "body_template": f"reminders/email/{kind}.html"})
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        to=[user.email],
        headers={
            "Message-ID": message_id(reminders + riders),
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(html, "text/html")
    return message
