from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from reminders.models import Kind, Reminder
from reminders.services import reminder_sweep, reminders_send_pending, weekly_digests


def reminder_sentence(reminder: Reminder, user, *, dry_run: bool) -> str:
    """One reminder in a plain sentence: who, what, about what (in the command's language)."""
    who = f"{user.display_name} ({user.username})" if user else f"#{reminder.user_id}"
    what = Kind(reminder.kind).label
    about = reminder.context.get("quiz") or reminder.context.get("course") or reminder.context.get("title") or ""
    values = {"who": who, "what": what, "about": about}
    if dry_run:
        if about:
            return _("%(who)s would receive “%(what)s” about “%(about)s”.") % values
        return _("%(who)s would receive “%(what)s”.") % values
    if about:
        return _("%(who)s will receive “%(what)s” about “%(about)s”.") % values
    return _("%(who)s will receive “%(what)s”.") % values


class Command(BaseCommand):
    help = "Run the reminder sweep that Celery beat runs every hour, then send what is pending."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="List who would get what; write and send nothing.")
        parser.add_argument("--weekly", action="store_true", help="Also run the Monday digests and summaries.")

    def handle(self, *args, dry_run: bool, weekly: bool, **options):
        now = timezone.now()
        sent_before = Reminder.objects.filter(status=Reminder.Status.SENT).count()
        reports = [reminder_sweep(now=now, dry_run=dry_run)]
        if weekly:
            reports.append(weekly_digests(now=now, dry_run=dry_run))
        decided = [reminder for report in reports for reminder in report.decided]
        users = {u.pk: u for u in _users({r.user_id for r in decided})}
        for reminder in sorted(decided, key=lambda r: (r.kind, r.user_id, r.object_key)):
            self.stdout.write(reminder_sentence(reminder, users.get(reminder.user_id), dry_run=dry_run))
        count = len(decided)
        if dry_run:
            self.stdout.write(ngettext(
                "%(count)s reminder would be decided; nothing was written or sent (dry run).",
                "%(count)s reminders would be decided; nothing was written or sent (dry run).", count,
            ) % {"count": count})
        else:
            self.stdout.write(ngettext("%(count)s reminder decided.", "%(count)s reminders decided.", count) % {"count": count})
            # In embedded mode the sweep already sent inline (eager tasks); this sends what is still pending.
            reminders_send_pending(now=now)
            sent = Reminder.objects.filter(status=Reminder.Status.SENT).count() - sent_before
            self.stdout.write(self.style.SUCCESS(ngettext("%(count)s e-mail sent.", "%(count)s e-mails sent.", sent) % {"count": sent}))


def _users(ids):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(pk__in=ids).only("username", "first_name", "last_name")
