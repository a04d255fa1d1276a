"""Settings of the cluster test's processes (web nodes and workers): the mail fault tests' worker settings (test
settings, real SMTP to the test's server), each process greeting the SMTP server with its own name, so the test
knows which worker holds the e-mail it then kills."""

from tests.mail.worker_settings import *  # noqa: F401,F403
from tests.mail.worker_settings import env

NODE_NAME = env("NODE_NAME", default="")
if NODE_NAME:
    from django.core.mail.utils import DNS_NAME

    DNS_NAME._fqdn = NODE_NAME  # the EHLO name Django's SMTP backend sends
