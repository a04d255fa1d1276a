"""The account menu's link to the person's calendar feed (made only when a page shows it; no query)."""

from django.urls import reverse

from reminders.tokens import calendar_token


def account_links(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"calendar_feed_url": lambda: reverse("reminders:calendar", kwargs={"token": calendar_token(user_id=user.pk)})}
