from datetime import timedelta

from django.core.management.base import BaseCommand

from lti.services import tool_key_rotate


class Command(BaseCommand):
    help = "Generate a new LTI signing key (kept in the database, never in the repository) and retire the current one."

    def add_arguments(self, parser):
        parser.add_argument(
            "--grace-days", type=int, default=7,
            help="Retired keys stay in the JWKS this many days, then are deleted (default 7).",
        )

    def handle(self, *args, grace_days, **options):
        key = tool_key_rotate(grace=timedelta(days=grace_days))
        self.stdout.write(f"New active key: {key.kid}")
