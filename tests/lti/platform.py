"""A tiny LMS for the tests: it signs real RS256 id_tokens with its own key and serves LTI Advantage.

It runs an HTTP server on 127.0.0.1 in a thread and answers what a Moodle or
Canvas would: its JWKS, the OIDC authentication step (an auto-posting form back
to the tool), the OAuth2 token endpoint, AGS line items and scores, and an NRPS
roster. `down = True` makes every service answer 503, like a platform in
maintenance.
"""

import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from jwcrypto.jwk import JWK

from lti import claims as C


class TestPlatform:
    def __init__(self, host: str = "127.0.0.1"):
        self.key = JWK.generate(kty="RSA", size=2048)
        self.kid = "platform-key-1"
        self.client_id = "tool-client-1"
        self.deployment_id = "deployment-1"
        self.context_id = "lms-course-42"
        self.down = False
        self.scores: list[dict] = []
        self.line_items: list[dict] = []
        self.token_requests: list[dict] = []
        self.members: list[dict] = []
        self.next_launch: dict = {}
        self.deep_link_responses: list[str] = []
        self.jwks_requests = 0
        self.registration_token = "platform-registration-token"
        self.client_registrations: list[dict] = []
        self.score_status: int | None = None  # e.g. 403: the LMS refuses every score (with a body of its own)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        # `host` names the LMS in its URLs (it always listens on 127.0.0.1): "localhost" makes it the same
        # site as the live server, "127.0.0.1" another site, whose iframe gets no SameSite=Lax cookie.
        self.issuer = f"http://{host}:{self._server.server_address[1]}"
        self.base_url = self.issuer  # where it really answers, even when a test makes it claim another issuer
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    # ----------------------------------------------------------------- lifecycle
    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self._server.shutdown()
        self._server.server_close()

    @property
    def registration(self) -> dict:
        return {
            "name": "Moodle de test", "issuer": self.issuer, "client_id": self.client_id,
            "auth_login_url": f"{self.issuer}/auth", "auth_token_url": f"{self.issuer}/token",
            "key_set_url": f"{self.issuer}/jwks",
        }

    # ----------------------------------------------------------------- tokens
    def private_pem(self, key=None) -> bytes:
        return (key or self.key).export_to_pem(private_key=True, password=None)

    def claims(self, *, nonce: str, sub: str = "student-sub-1", roles=None, custom=None, deep_link=False, **extra) -> dict:
        now = int(time.time())
        body = {
            "iss": self.issuer, "aud": self.client_id, "sub": sub, "iat": now, "exp": now + 300, "nonce": nonce,
            "given_name": "Camille", "family_name": "Tremblay", "email": f"{sub}@lms.example.org",
            C.VERSION: "1.3.0",
            C.DEPLOYMENT_ID: self.deployment_id,
            C.ROLES: roles or ["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"],
            C.CONTEXT: {"id": self.context_id, "title": "MBA – Marketing numérique"},
            C.AGS: {
                "scope": [C.SCOPE_LINEITEM, C.SCOPE_SCORE],
                "lineitems": f"{self.issuer}/lineitems",
            },
            C.NRPS: {"context_memberships_url": f"{self.issuer}/memberships", "service_versions": ["2.0"]},
        }
        if deep_link:
            body[C.MESSAGE_TYPE] = C.DEEP_LINKING_REQUEST
            body[C.DEEP_LINKING_SETTINGS] = {
                "deep_link_return_url": f"{self.issuer}/deep-link-return",
                "accept_types": ["ltiResourceLink"], "accept_presentation_document_targets": ["iframe", "window"],
                "data": "opaque-platform-data",
            }
        else:
            body[C.MESSAGE_TYPE] = C.RESOURCE_LINK_REQUEST
            body[C.RESOURCE_LINK] = {"id": "resource-link-7", "title": "Test du module"}
            body[C.TARGET_LINK_URI] = "http://tool.invalid/lti/launch/"
            if custom:
                body[C.CUSTOM] = custom
        body.update(extra)
        return body

    def id_token(self, claims: dict, *, key=None, kid=None) -> str:
        return jwt.encode(claims, self.private_pem(key), algorithm="RS256", headers={"kid": kid or self.kid})

    # ----------------------------------------------------------------- HTTP
    def _handler(self):
        platform = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep the test output quiet
                pass

            def _send(self, status: int, body, content_type="application/json", headers=None):
                data = body if isinstance(body, bytes) else (json.dumps(body) if not isinstance(body, str) else body).encode()
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            def _body(self) -> bytes:
                return self.rfile.read(int(self.headers.get("Content-Length") or 0))

            def do_GET(self):
                url = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                if url.path == "/jwks":
                    platform.jwks_requests += 1
                    return self._send(200, {"keys": [{**platform.key.export_public(as_dict=True), "kid": platform.kid, "alg": "RS256", "use": "sig"}]})
                if url.path == "/auth":
                    return self._auth(query)
                if url.path == "/.well-known/openid-configuration":
                    # LTI Advantage Dynamic Registration, as Moodle 4.x serves it.
                    return self._send(200, {
                        "issuer": platform.issuer, "authorization_endpoint": f"{platform.issuer}/auth",
                        "token_endpoint": f"{platform.issuer}/token", "jwks_uri": f"{platform.issuer}/jwks",
                        "registration_endpoint": f"{platform.issuer}/register",
                        "https://purl.imsglobal.org/spec/lti-platform-configuration": {
                            "product_family_code": "moodle", "version": "4.5",
                            "messages_supported": [{"type": "LtiResourceLinkRequest"}, {"type": "LtiDeepLinkingRequest"}],
                        },
                    })
                if url.path == "/course":
                    # The LMS course page: the tool's placement in an iframe, as Moodle and Canvas show it.
                    html = (f'<!doctype html><title>Cours LMS</title><h1>Cours LMS</h1>'
                            f'<iframe title="Activité externe" src="{query["tool"]}" width="1000" height="800"></iframe>')
                    return self._send(200, html, "text/html; charset=utf-8")
                if platform.down:
                    return self._send(503, {"error": "maintenance"})
                if url.path == "/lineitems":
                    items = [i for i in platform.line_items if not query.get("tag") or i.get("tag") == query["tag"]]
                    return self._send(200, items)
                if url.path == "/memberships":
                    return self._send(200, {"id": "m", "context": {"id": platform.context_id}, "members": platform.members})
                return self._send(404, {})

            def do_POST(self):
                url = urlsplit(self.path)
                body = self._body()
                if platform.down:
                    return self._send(503, {"error": "maintenance"})
                if url.path == "/token":
                    form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
                    platform.token_requests.append(form)
                    return self._send(200, {"access_token": "access-" + uuid.uuid4().hex, "token_type": "Bearer", "expires_in": 3600})
                if url.path == "/register":
                    if self.headers.get("Authorization") != f"Bearer {platform.registration_token}":
                        return self._send(401, {"error": "registration token"})
                    request = json.loads(body)
                    platform.client_registrations.append(request)
                    return self._send(200, {**request, "client_id": platform.client_id,
                                            "https://purl.imsglobal.org/spec/lti-tool-configuration": {
                                                **request["https://purl.imsglobal.org/spec/lti-tool-configuration"],
                                                "deployment_id": platform.deployment_id}})
                if url.path == "/deep-link-return":
                    form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
                    platform.deep_link_responses.append(form["JWT"])
                    return self._send(200, "<p>Contenu ajouté</p>", "text/html; charset=utf-8")
                if not (self.headers.get("Authorization") or "").startswith("Bearer access-"):
                    return self._send(401, {"error": "no token"})
                if url.path == "/lineitems":
                    item = json.loads(body)
                    item["id"] = f"{platform.issuer}/lineitems/{len(platform.line_items) + 1}"
                    platform.line_items.append(item)
                    return self._send(201, item)
                if url.path.startswith("/lineitems/") and url.path.endswith("/scores"):
                    if platform.score_status:
                        return self._send(platform.score_status, {"error": "LMS-INTERNAL-DETAIL user not in course"})
                    score = json.loads(body)
                    score["lineitem"] = platform.issuer + url.path.removesuffix("/scores")
                    platform.scores.append(score)
                    return self._send(204, b"")
                return self._send(404, {})

            def _auth(self, query):
                """The OIDC authentication step: sign an id_token for the launch queued in `next_launch`."""
                launch = dict(platform.next_launch)
                claims = platform.claims(nonce=query["nonce"], **launch)
                token = platform.id_token(claims)
                html = (
                    f'<!doctype html><title>LMS</title><form id="f" method="post" action="{query["redirect_uri"]}">'
                    f'<input type="hidden" name="id_token" value="{token}">'
                    f'<input type="hidden" name="state" value="{query["state"]}">'
                    f'<button type="submit">Continuer</button></form>'
                    f'<script>document.getElementById("f").submit()</script>'
                )
                return self._send(200, html, "text/html; charset=utf-8")

        return Handler

    def login_url(self, tool_login_url: str, *, login_hint: str = "hint-1") -> str:
        return tool_login_url + "?" + urlencode({
            "iss": self.issuer, "login_hint": login_hint, "client_id": self.client_id,
            "target_link_uri": tool_login_url.replace("/login/", "/launch/"), "lti_deployment_id": self.deployment_id,
        })
