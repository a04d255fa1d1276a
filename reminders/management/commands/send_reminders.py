from django.core.management.base import BaseCommand
from django.utils import timezone

from reminders.models import Reminder
from reminders.services import reminder_sweep, reminders_send_pending, weekly_digests


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
            user = users.get(reminder.user_id)
            self.stdout.write(
                f"{'would send' if dry_run else 'decided'}  {reminder.kind:<18} {user.username if user else reminder.user_id:<16} "
                f"{reminder.object_key:<14} {reminder.window}"
            )
        self.stdout.write(f"{len(decided)} reminder(s) {'would be decided' if dry_run else 'decided'}.")
        if not dry_run:
            # In embedded mode the sweep already sent inline (eager tasks); this sends what is still pending.
            reminders_send_pending(now=now)
            sent = Reminder.objects.filter(status=Reminder.Status.SENT).count() - sent_before
            self.stdout.write(self.style.SUCCESS(f"{sent} reminder(s) sent."))


def _users(ids):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(pk__in=ids).only("username")
