"""LTI endpoints (JWKS, OIDC login initiation, launch, deep linking) and the instructor's registration page.

`login_initiation` and `launch` are CSRF-exempt on purpose: the LMS posts to
them from its own origin. They are protected by what LTI 1.3 specifies instead
(state cookie, single-use nonce, signed id_token), all checked by pylti1p3.
"""

import logging
from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from pylti1p3.deep_link import DeepLink
from pylti1p3.deep_link_resource import DeepLinkResource
from pylti1p3.exception import LtiException, OIDCException
from pylti1p3.lineitem import LineItem

from courses.selectors import Role, course_access
from lessons.selectors import course_lessons
from lti import claims as C
from lti.forms import PlatformForm
from lti.middleware import SESSION_KEY, frame_ancestors_policy
from lti.models import LtiContext, LtiPlatform, LtiResourceLink, LtiScore
from lti.outbound import GuardedSession
from lti.platform_api import PlatformError, quiz_tag
from lti.selectors import (
    contexts_for_course,
    duplicate_accounts_for_course,
    platforms_for_course,
    registration_tokens_for_course,
    scores_failed_for_course,
    tool_jwks,
)
from lti.services import (
    LaunchRefused,
    RegistrationRefused,
    launch_complete,
    platform_register,
    platform_register_dynamic,
    registration_token_create,
)
from lti.services import score_resend as score_resend_service
from lti.services import roster_sync as roster_sync_service
from lti.tool import MessageLaunch, OIDCLogin, SignedLoginStorage, ToolConfiguration

logger = logging.getLogger(__name__)
DEEP_LINK_SESSION_KEY = "lti_deep_link"
LOGIN_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _framable(response: HttpResponse, ancestors: str = "*") -> HttpResponse:
    """An LTI page the LMS shows in its iframe (the refusal pages carry no action to click-jack)."""
    from coursesite.security import DEFAULT_POLICY

    response.headers["Content-Security-Policy"] = frame_ancestors_policy(DEFAULT_POLICY, ancestors)
    return response


# Why pylti1p3 refused, in words a student or an instructor can act on.
REFUSALS = [
    (("missing state param", "state not found", "missing %s cookie", "missing lti1p3"), "cookies"),
    (("invalid nonce", "nonce\" is empty"), "nonce"),
    (("expired",), "expired"),
    (("signature", "unable to find public key", "kid not found", "can't decode id_token"), "signature"),
    (("registration not found", "client id not registered", "not found in settings"), "registration"),
    (("unable to find deployment", "deployment_id is not set"), "deployment"),
]


def _refusal_kind(message: str) -> str:
    message = message.lower()
    for needles, kind in REFUSALS:
        if any(needle in message for needle in needles):
            return kind
    return "invalid"


def _refused(request, kind: str, *, detail: str = "", status: int = 403) -> HttpResponse:
    titles = {
        "cookies": _("Your browser blocked this site's cookies in the LMS frame"),
        "nonce": _("This launch was already used"),
        "expired": _("This launch has expired"),
        "signature": _("The launch signature is not valid"),
        "registration": _("This LMS is not registered with the course site"),
        "deployment": _("This deployment of the tool is not registered"),
        "invalid": _("The launch could not be verified"),
        "inactive": _("This account is deactivated on the course site"),
        "claim": _("The LMS sent a launch this site cannot read"),
    }
    logger.info("LTI launch refused (%s): %s", kind, detail)
    response = render(request, "lti/refused.html", {"kind": kind, "title": titles[kind], "detail": detail}, status=status)
    return _framable(response)


@require_GET
def jwks(request):
    return JsonResponse(tool_jwks())


@csrf_exempt
@xframe_options_exempt
@require_http_methods(["GET", "POST"])
def login_initiation(request):
    """Third-party initiated login: answer the LMS with the OIDC authentication redirect (state + nonce)."""
    tool = ToolConfiguration()
    # Nothing is written here (state in a cookie, nonce a signature of it): an anonymous GET costs no row.
    oidc = OIDCLogin(request, tool, launch_data_storage=SignedLoginStorage())
    try:
        response = oidc.redirect(request.build_absolute_uri(reverse("lti:launch")))
    except (OIDCException, LtiException) as exc:
        kind = _refusal_kind(str(exc))
        return _refused(request, "registration" if kind == "invalid" else kind, detail=str(exc), status=400)
    platform = tool.platform(request.GET.get("iss") or request.POST.get("iss") or "",
                             request.GET.get("client_id") or request.POST.get("client_id"))
    # Only ever to the registered login URL of a known registration, whatever pylti1p3 was given.
    if platform is None or not response.get("Location", "").startswith(platform.auth_login_url + "?"):
        return _refused(request, "registration", detail="login URL", status=400)
    return response


@csrf_exempt
@xframe_options_exempt
@require_POST
def launch(request):
    """Validate the id_token (pylti1p3), then sign the person in and open what the placement links."""
    tool = ToolConfiguration()
    try:
        message = MessageLaunch(
            request, tool, launch_data_storage=SignedLoginStorage(), requests_session=GuardedSession()
        )
        claims = message.get_launch_data()
    except (LtiException, OIDCException) as exc:
        return _refused(request, _refusal_kind(str(exc)), detail=str(exc))
    except C.ClaimError as exc:
        return _refused(request, "claim", detail=exc.claim, status=400)
    except (TypeError, AttributeError, ValueError) as exc:
        # A signed token whose claims pylti1p3 cannot even read (an `aud` object, a `roles` string…).
        return _refused(request, "claim", detail=type(exc).__name__, status=400)
    platform = tool.platform(message.get_iss(), message.get_client_id())
    try:
        result = launch_complete(platform=platform, claims=claims)
    except LaunchRefused as exc:
        return _refused(request, exc.kind, detail=exc.detail, status=400 if exc.kind == "claim" else 403)

    login(request, result.user, backend=LOGIN_BACKEND)
    request.session[SESSION_KEY] = sorted({_origin(platform.issuer), _origin(platform.auth_login_url)})
    if message.is_deep_link_launch():
        if result.role != Role.INSTRUCTOR:
            raise PermissionDenied
        request.session[DEEP_LINK_SESSION_KEY] = {
            "platform": platform.pk, "deployment_id": claims[C.DEPLOYMENT_ID], "settings": claims[C.DEEP_LINKING_SETTINGS],
        }
        return redirect("lti:deep_link")
    link = result.link
    if link is not None and link.lesson is not None:
        if link.target == LtiResourceLink.Target.QUIZ:
            return redirect("courses:quizzes:start", course=result.course.slug, lesson=link.lesson.slug)
        return redirect("courses:lessons:detail", course=result.course.slug, lesson=link.lesson.slug)
    return redirect("courses:detail", course=result.course.slug)


@require_http_methods(["GET", "POST"])
def deep_link(request):
    """The instructor picks a lesson or its quiz; it goes back to the LMS as an LtiResourceLink."""
    pending = request.session.get(DEEP_LINK_SESSION_KEY)
    if not request.user.is_authenticated or not pending:
        raise PermissionDenied
    platform = get_object_or_404(LtiPlatform.objects.select_related("course"), pk=pending["platform"])
    access = course_access(user=request.user, slug=platform.course.slug, roles=(Role.INSTRUCTOR,))
    lessons = list(course_lessons(course=access.course).select_related("quiz"))
    if request.method == "GET":
        return render(request, "lti/deep_link.html", {"course": access.course, "lessons": lessons})
    by_slug = {lesson.slug: lesson for lesson in lessons}
    lesson = by_slug.get(request.POST.get("lesson", ""))
    target = request.POST.get("target")
    if lesson is None or target not in ("lesson", "quiz") or (target == "quiz" and not hasattr(lesson, "quiz")):
        messages.error(request, _("Choose a lesson or a quiz from the list."))
        return redirect("lti:deep_link")
    resource = (
        DeepLinkResource()
        .set_url(request.build_absolute_uri(reverse("lti:launch")))
        .set_custom_params({"lesson": lesson.slug, "target": target})
        .set_title(lesson.title if target == "lesson" else _("Quiz: %(lesson)s") % {"lesson": lesson.title})
    )
    if target == "quiz":
        resource.set_lineitem(
            LineItem().set_score_maximum(100).set_label(lesson.title[:255])
            .set_resource_id(quiz_tag(lesson.quiz)).set_tag(quiz_tag(lesson.quiz))
        )
    registration = ToolConfiguration().find_registration_by_params(platform.issuer, platform.client_id)
    settings_claim = pending["settings"]
    token = DeepLink(registration, pending["deployment_id"], settings_claim).get_response_jwt([resource])
    del request.session[DEEP_LINK_SESSION_KEY]
    return_url = settings_claim["deep_link_return_url"]
    response = render(request, "lti/deep_link_return.html", {"return_url": return_url, "jwt": token, "lesson": lesson})
    from coursesite.security import DEFAULT_POLICY

    # The form posts to the LMS: allow that one origin as a form target on this page only.
    policy = DEFAULT_POLICY.replace("form-action 'self'", f"form-action 'self' {_origin(return_url)}")
    response.headers["Content-Security-Policy"] = frame_ancestors_policy(
        policy, " ".join(["'self'", *request.session.get(SESSION_KEY, [])])
    )
    return response


def _tool_urls(request) -> dict:
    return {
        "login_url": request.build_absolute_uri(reverse("lti:login")),
        "launch_url": request.build_absolute_uri(reverse("lti:launch")),
        "jwks_url": request.build_absolute_uri(reverse("lti:jwks")),
        "domain": request.get_host(),
    }


@login_required
@require_http_methods(["GET", "POST"])
def registration(request, course):
    """Register an LMS for this course and read what to paste in Moodle, Canvas or Open edX."""
    access = course_access(user=request.user, slug=course, roles=(Role.INSTRUCTOR,))
    form = PlatformForm(request.POST or None, user=request.user, course=access.course)
    if request.method == "POST" and form.is_valid():
        platform = platform_register(
            course=access.course, actor=request.user, deployment_ids=form.cleaned_data.pop("deployment_ids"),
            **form.cleaned_data,
        )
        messages.success(request, _("“%(name)s” is registered.") % {"name": platform.name})
        return redirect("lti:registration", course=access.course.slug)
    tool = _tool_urls(request)
    return render(request, "lti/registration.html", {
        "course": access.course, "form": form, "tool": tool,
        "platforms": platforms_for_course(course=access.course), "contexts": contexts_for_course(course=access.course),
        "lessons": course_lessons(course=access.course),
        "failed_scores": scores_failed_for_course(course=access.course),
        "duplicates": duplicate_accounts_for_course(course=access.course),
        "registration_urls": [
            request.build_absolute_uri(reverse("lti:register")) + "?token=" + row.token
            for row in registration_tokens_for_course(course=access.course)
        ],
    })


@login_required
@require_POST
def roster_sync(request, course, context):
    access = course_access(user=request.user, slug=course, roles=(Role.INSTRUCTOR,))
    lms_course = get_object_or_404(LtiContext.objects.select_related("platform", "course"), pk=context, course=access.course)
    try:
        result = roster_sync_service(context=lms_course)
    except PlatformError as exc:
        messages.error(request, _("The LMS did not give its roster: %(error)s") % {"error": exc})
    else:
        messages.success(request, _("Roster synchronised: %(enrolled)d enrolled, %(updated)d roles updated, %(created)d new accounts.") % {
            "enrolled": result.enrolled, "updated": result.updated, "created": result.created_users,
        })
    return redirect("lti:registration", course=access.course.slug)


@login_required
@require_POST
def score_resend(request, course, score):
    """ "Send again" on a score the LMS refused (after the instructor fixed the cause there)."""
    access = course_access(user=request.user, slug=course, roles=(Role.INSTRUCTOR,))
    row = get_object_or_404(LtiScore, pk=score, context__course=access.course)
    score_resend_service(score=row)
    messages.success(request, _("The score will be sent again."))
    return redirect("lti:registration", course=access.course.slug)


@login_required
@require_POST
def registration_url_create(request, course):
    """A one-time dynamic registration URL for this course (Moodle 4.x, Canvas: "register a tool from a URL")."""
    access = course_access(user=request.user, slug=course, roles=(Role.INSTRUCTOR,))
    registration_token_create(course=access.course, actor=request.user)
    messages.success(request, _("Registration URL made: paste it in the LMS within 7 days; it works once."))
    return redirect("lti:registration", course=access.course.slug)


@xframe_options_exempt
@require_GET
def register(request):
    """LTI Advantage Dynamic Registration, opened by the LMS with our one-time token, its openid_configuration
    and its registration_token. No session: the LMS shows it in a frame or a window of its own."""
    titles = {
        "token": _("This registration URL is unknown, already used or expired"),
        "issuer": _("Another course already uses this LMS"),
        "platform": _("The LMS's registration could not be completed"),
        "registered": _("This LMS is already registered"),
        "missing": _("Open this URL from the LMS's tool registration"),
    }
    token = request.GET.get("token", "")
    configuration = request.GET.get("openid_configuration", "")
    if not token or not configuration:
        kind, detail, platform = "missing", "", None
    else:
        try:
            platform = platform_register_dynamic(
                token=token, openid_configuration_url=configuration,
                registration_token=request.GET.get("registration_token", ""), tool=_tool_urls(request),
            )
            kind, detail = "", ""
        except RegistrationRefused as exc:
            kind, detail, platform = exc.kind, exc.detail, None
    if platform is not None:
        response = render(request, "lti/register.html", {"platform": platform, "course": platform.course})
    else:
        logger.info("LTI dynamic registration refused (%s): %s", kind, detail)
        response = render(request, "lti/register.html", {"kind": kind, "title": titles[kind], "detail": detail},
                          status=403 if kind in ("token", "issuer") else 400)
    return _framable(response)
