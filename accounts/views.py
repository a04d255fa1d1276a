from django.contrib.auth.views import PasswordResetView
from django.http import HttpResponseRedirect
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from accounts.client import client_ip
from accounts.services import password_reset_request_allow


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
            return super().form_valid(form)
        return HttpResponseRedirect(self.get_success_url())
