"""Settings of the real worker process of the fault tests: the test settings, with real SMTP to the test's server."""

from coursesite.settings_test import *  # noqa: F401,F403
from coursesite.settings_test import env

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = "127.0.0.1"
EMAIL_PORT = env.int("TEST_SMTP_PORT")
EMAIL_USE_TLS = False

# SQLite has no session to terminate: while this file exists, every query of the worker fails as on a
# dropped connection (the fault tests create it where PostgreSQL would use pg_terminate_backend).
DB_FAULT_FLAG = env("TEST_DB_FAULT_FLAG", default="")
if DB_FAULT_FLAG:
    import os

    from django.db import OperationalError
    from django.db.backends.signals import connection_created

    def _fail_while_flagged(execute, sql, params, many, context):
        if os.path.exists(DB_FAULT_FLAG):
            raise OperationalError("the test cut this worker off its database")
        return execute(sql, params, many, context)

    def _install_fault(sender, connection, **kwargs):
        connection.execute_wrappers.append(_fail_while_flagged)

    connection_created.connect(_install_fault, weak=False)
