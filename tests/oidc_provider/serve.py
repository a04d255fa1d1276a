"""Run the test OpenID provider: `python -m tests.oidc_provider.serve REDIRECT_URI [REDIRECT_URI…]`.

Creates its database, signing key, one confidential client (`course-site`, PKCE-capable, no consent
screen) and the school's users, then serves on 127.0.0.1 with an OS-chosen port, printed as
`PORT <n>` on stdout once it answers.
"""

import os
import sys
import tempfile
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

CLIENT_ID = "course-site"
CLIENT_SECRET = "course-site-secret"
PASSWORD = "ecole-mot-de-passe"
# username -> e-mail in the school's directory
PEOPLE = {
    "anne": "anne@ecole.example",
    "carl": "carl@ecole.example",
    "mallory": "mallory@ailleurs.example",
    "unverified-bob": "bob@ecole.example",
}


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


class ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


def main(redirect_uris: list[str]) -> None:
    os.environ.setdefault("OIDC_PROVIDER_DB", os.path.join(tempfile.mkdtemp(prefix="oidc-provider-"), "db.sqlite3"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.oidc_provider.settings"
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application
    from oidc_provider.models import Client, ResponseType

    call_command("migrate", run_syncdb=True, verbosity=0, interactive=False)
    call_command("creatersakey", stdout=open(os.devnull, "w"))
    for username, email in PEOPLE.items():
        User.objects.create_user(username, email=email, password=PASSWORD, first_name=username.title())
    client = Client.objects.create(
        name="Course site", client_type="confidential", client_id=CLIENT_ID, client_secret=CLIENT_SECRET,
        jwt_alg="RS256", require_consent=False, reuse_consent=True, _redirect_uris="\n".join(redirect_uris), _scope="openid email profile",
    )
    # Normally written by one of the provider's data migrations, skipped here.
    code, _created = ResponseType.objects.get_or_create(value="code", defaults={"description": "code (Authorization Code Flow)"})
    client.response_types.add(code)
    server = make_server("127.0.0.1", 0, get_wsgi_application(), server_class=ThreadingServer, handler_class=QuietHandler)
    print(f"PORT {server.server_port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main(sys.argv[1:])
