import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.views import PasswordResetView
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from accounts.client import client_ip
from accounts.forms import InvitationAcceptForm
from accounts.oidc import REFUSAL_SESSION_KEY, oidc_enabled
from accounts.services import (
    InvitationError,
    invitation_from_token,
    invitation_mark_opened,
    invitation_resend,
    invitations_resend_for_email,
    password_reset_request_allow,
)
from accounts.services import invitation_accept as invitation_accept_service

PASSWORD_BACKEND = "django.contrib.auth.backends.ModelBackend"


@require_POST
def set_language(request):
    """Django's language switch, also remembered on the account so e-mails follow it."""
    response = django_set_language(request)
    language = request.POST.get("language")
    user = request.user
    if user.is_authenticated and language in dict(user._meta.get_field("preferred_language").choices):
        if user.preferred_language != language:
            user.preferred_language = language
            user.save(update_fields=["preferred_language"])
    return response


class ThrottledPasswordResetView(PasswordResetView):
    """Django's reset page, with at most a few e-mails an hour per address and per client.

    Over a limit the page answers exactly as when the e-mail goes, so it tells nothing about accounts.
    """

    def form_valid(self, form):
        if password_reset_request_allow(email=form.cleaned_data["email"], ip_address=client_ip(self.request)):
            # Django's reset skips accounts without a usable password; one still waiting for its
            # invitation gets a fresh invitation instead (the page reads the same for every address).
            invitations_resend_for_email(email=form.cleaned_data["email"])
            return super().form_valid(form)
        return HttpResponseRedirect(self.get_success_url())


# An invitation link that cannot be used answers with a page that says why, and changes nothing.
INVITATION_STATUS = {"invalid": 400, "expired": 410, "used": 410, "replaced": 410}


def _invitation_problem(request, error: InvitationError, token: str):
    context = {"state": error.state, "token": token, "renewable": error.state in ("expired", "replaced")}
    return render(request, "registration/invitation_problem.html", context, status=INVITATION_STATUS[error.state])


@sensitive_post_parameters("new_password1", "new_password2")
@never_cache
def invitation_accept(request, token):
    """The invitation link: choose a password (and say one's name), then land on the course, logged in."""
    try:
        invitation = invitation_from_token(token=token)
    except InvitationError as error:
        return _invitation_problem(request, error, token)
    user = invitation.user
    if request.method == "POST":
        form = InvitationAcceptForm(user, request.POST)
        if form.is_valid():
            try:
                user = invitation_accept_service(
                    invitation=invitation, password=form.cleaned_data["new_password1"],
                    first_name=form.cleaned_data["first_name"], last_name=form.cleaned_data["last_name"],
                )
            except InvitationError as error:  # the same link submitted twice at once: the other one won
                return _invitation_problem(request, error, token)
            login(request, user, backend=PASSWORD_BACKEND)
            messages.success(request, _("Welcome! Your password is set; from now on, log in with your e-mail address."))
            landing = invitation.landing_path
            if not url_has_allowed_host_and_scheme(landing, allowed_hosts={request.get_host()}):
                landing = "/"
            return HttpResponseRedirect(landing)
    else:
        invitation_mark_opened(invitation=invitation)
        form = InvitationAcceptForm(user, initial={"first_name": user.first_name, "last_name": user.last_name})
    return render(request, "registration/invitation_accept.html", {"form": form, "invitation": invitation, "invited": user})


@require_POST
def invitation_renew(request, token):
    """From an expired (or replaced) link: a new invitation to the same address, under the reset page's limits.

    The page answers the same whether or not a new e-mail went (limit reached, account already active).
    """
    try:
        invitation_from_token(token=token)
    except InvitationError as error:
        if error.state not in ("expired", "replaced"):
            return _invitation_problem(request, error, token)
        user = error.invitation.user
        if password_reset_request_allow(email=user.email or user.username, ip_address=client_ip(request)):
            invitation_resend(user=user)
    # A link still open needs nothing new: the one in hand works.
    return render(request, "registration/invitation_renewed.html")


def _oidc_or_404():
    if not oidc_enabled():
        raise Http404


@never_cache
def oidc_login(request):
    """To the school's sign-in page (state, nonce and PKCE challenge kept in the session by the library)."""
    _oidc_or_404()
    return OIDCAuthenticationRequestView.as_view()(request)


@never_cache
def oidc_callback(request):
    """Back from the school: the library checks state, nonce, PKCE and signature; a refusal gets a clear page."""
    _oidc_or_404()
    try:
        return OIDCAuthenticationCallbackView.as_view()(request)
    except (SuspiciousOperation, requests.RequestException):
        # A state this browser never sent (tampered, replayed, another session), an ID token whose nonce or
        # signature is wrong, a code the provider refuses (PKCE verifier): nothing is created or logged in.
        return _oidc_refusal(request, "unverifiable", status=400)


@never_cache
def oidc_refused(request):
    _oidc_or_404()
    return _oidc_refusal(request, request.session.pop(REFUSAL_SESSION_KEY, "failed"), status=403)


def _oidc_refusal(request, reason: str, *, status: int):
    context = {"reason": reason, "contact": settings.OIDC_SUPPORT_CONTACT, "school": settings.OIDC_PROVIDER_NAME}
    return render(request, "registration/oidc_refused.html", context, status=status)
