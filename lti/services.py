"""Writes of the LTI tool: keys, registrations, launches, deep links, scores and rosters."""

import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from courses.models import Course, Enrollment
from coursesite.broker import task_publish_quietly
from coursesite.outbox import Outbox, outbox_send_each
from lessons.models import Lesson
from lti import claims as C
from lti.models import (
    LtiContext,
    LtiDeployment,
    LtiLineItem,
    LtiMembership,
    LtiNonce,
    LtiPlatform,
    LtiRegistrationToken,
    LtiResourceLink,
    LtiScore,
    LtiToolKey,
    LtiUserLink,
)
from quizzes.models import Quiz

logger = logging.getLogger(__name__)

Role = Enrollment.Role
# Back-off of a score the LMS refused or did not answer: 1, 2, 4 … minutes, never more than 6 hours apart.
MAX_BACKOFF = timedelta(hours=6)


class LaunchRefused(Exception):
    """A launch that validated cryptographically but that we cannot honour; `kind` names the refusal page's reason."""

    def __init__(self, kind: str, detail: str = ""):
        super().__init__(kind)
        self.kind = kind
        self.detail = detail  # what the refusal page names (the claim at fault), never anything secret


# --------------------------------------------------------------------------- keys


@transaction.atomic
def tool_key_rotate(*, grace: timedelta = timedelta(days=7), now=None) -> LtiToolKey:
    """Create a new signing key, retire the current one, drop keys retired longer than `grace` ago.

    A retired key stays in the JWKS during the grace period, so a platform that
    cached it still verifies what was signed just before the rotation.
    """
    from jwcrypto.jwk import JWK

    now = now or timezone.now()
    LtiToolKey.objects.filter(is_active=False, retired_at__lt=now - grace).delete()
    LtiToolKey.objects.filter(is_active=True).update(is_active=False, retired_at=now)
    jwk = JWK.generate(kty="RSA", size=2048)
    kid = jwk.thumbprint()
    public = {**jwk.export_public(as_dict=True), "kid": kid, "alg": "RS256", "use": "sig"}
    return LtiToolKey.objects.create(
        kid=kid, private_key=jwk.export_to_pem(private_key=True, password=None).decode(), public_jwk=public, created_at=now
    )


def tool_key_ensure() -> LtiToolKey:
    """The active key, created on first need (a fresh `make run` has none yet)."""
    return LtiToolKey.objects.filter(is_active=True).first() or tool_key_rotate()


# --------------------------------------------------------------------------- registration


def _deployment_ids(text: str) -> list[str]:
    return sorted({part.strip() for part in text.replace(",", "\n").splitlines() if part.strip()})


@transaction.atomic
def platform_register(*, course: Course, actor, deployment_ids: str, **fields) -> LtiPlatform:
    platform = LtiPlatform.objects.create(course=course, created_by=actor, **fields)
    LtiDeployment.objects.bulk_create(
        [LtiDeployment(platform=platform, deployment_id=value) for value in _deployment_ids(deployment_ids)]
    )
    tool_key_ensure()
    return platform


REGISTRATION_TOKEN_LIFETIME = timedelta(days=7)


class RegistrationRefused(Exception):
    """A dynamic registration we do not complete; `kind` names the reason shown, `detail` what failed."""

    def __init__(self, kind: str, detail: str = ""):
        super().__init__(kind)
        self.kind = kind
        self.detail = detail


@transaction.atomic
def registration_token_create(*, course: Course, actor) -> LtiRegistrationToken:
    """A one-time dynamic registration URL for this course, valid a week."""
    now = timezone.now()
    return LtiRegistrationToken.objects.create(
        token=secrets.token_urlsafe(32), course=course, created_by=actor, created_at=now,
        expires_at=now + REGISTRATION_TOKEN_LIFETIME,
    )


def _issuer_refused(*, issuer: str, course: Course, actor) -> bool:
    """The registration rule: an issuer another course uses is registered again by a site administrator only."""
    if actor is not None and actor.is_superuser:
        return False
    return LtiPlatform.objects.filter(issuer=issuer).exclude(course=course).exists()


def platform_register_dynamic(*, token: str, openid_configuration_url: str, registration_token: str,
                              tool: dict) -> LtiPlatform:
    """LTI Advantage Dynamic Registration: read the LMS's configuration, register with it, record the platform.

    The one-time `token` binds it to the course whose instructor made it and
    is spent only when the platform is recorded. The calls to the LMS happen
    before the transaction (no lock held while it answers).
    """
    from lti import platform_api

    now = timezone.now()
    row = (LtiRegistrationToken.objects.select_related("course", "created_by")
           .filter(token=token, used_at__isnull=True, expires_at__gt=now).first())
    if row is None:
        raise RegistrationRefused("token")
    try:
        config = platform_api.openid_configuration_fetch(url=openid_configuration_url)
    except platform_api.PlatformError as exc:
        raise RegistrationRefused("platform", str(exc)) from None
    if _issuer_refused(issuer=config["issuer"], course=row.course, actor=row.created_by):
        raise RegistrationRefused("issuer")
    payload = {
        "application_type": "web",
        "response_types": ["id_token"],
        "grant_types": ["implicit", "client_credentials"],
        "initiate_login_uri": tool["login_url"],
        "redirect_uris": [tool["launch_url"]],
        "client_name": row.course.title[:200],
        "jwks_uri": tool["jwks_url"],
        "token_endpoint_auth_method": "private_key_jwt",
        "scope": " ".join([C.SCOPE_LINEITEM, C.SCOPE_SCORE, C.SCOPE_NRPS]),
        "https://purl.imsglobal.org/spec/lti-tool-configuration": {
            "domain": tool["domain"],
            "target_link_uri": tool["launch_url"],
            "claims": ["iss", "sub", "name", "given_name", "family_name", "email"],
            "messages": [{"type": C.DEEP_LINKING_REQUEST, "target_link_uri": tool["launch_url"],
                          "label": row.course.title[:200]}],
        },
    }
    try:
        answer = platform_api.client_register(config=config, registration_token=registration_token, payload=payload)
    except platform_api.PlatformError as exc:
        raise RegistrationRefused("platform", str(exc)) from None
    with transaction.atomic():
        spent = LtiRegistrationToken.objects.filter(pk=row.pk, used_at__isnull=True).update(used_at=timezone.now())
        if not spent:
            raise RegistrationRefused("token")  # another registration spent it meanwhile
        if LtiPlatform.objects.filter(issuer=config["issuer"], client_id=answer["client_id"]).exists():
            raise RegistrationRefused("registered")
        platform = platform_register(
            course=row.course, actor=row.created_by, deployment_ids=answer["deployment_id"],
            name=(config["product"] or config["issuer"])[:200], issuer=config["issuer"], client_id=answer["client_id"],
            auth_login_url=config["authorization_endpoint"], auth_token_url=config["token_endpoint"],
            auth_audience=config["authorization_server"], key_set_url=config["jwks_uri"],
        )
        LtiRegistrationToken.objects.filter(pk=row.pk).update(platform=platform)
    return platform


# --------------------------------------------------------------------------- launch


@dataclass(frozen=True)
class LaunchResult:
    user: object
    course: Course
    role: str
    link: LtiResourceLink | None
    context: LtiContext


# Context (course membership) roles, the only ones that give a course role. Institution and system roles
# (`…/lis/v2/institution/person#Instructor`, `…/lis/v2/system/person#Administrator`) say who someone is at the
# school, not in this course: a Learner of the course who teaches elsewhere stays a student here.
_CONTEXT_ROLE_PREFIXES = (
    "http://purl.imsglobal.org/vocab/lis/v2/membership#",
    "http://purl.imsglobal.org/vocab/lis/v2/membership/",  # sub-roles: membership/Instructor#TeachingAssistant
    "urn:lti:role:ims/lis/",  # LTI 1.1 context roles, still sent by some platforms
)


def _context_role_names(roles) -> set[str]:
    names = set()
    for role in roles or []:
        if any(role.startswith(prefix) for prefix in _CONTEXT_ROLE_PREFIXES):
            names.add(role.rsplit("#", 1)[-1].rsplit("/", 1)[-1])
        elif role and ":" not in role and "/" not in role and "#" not in role:
            names.add(role)  # the short context role names LTI 1.3 allows ("Instructor", "Learner")
    return names


def role_from_claims(roles: list[str]) -> str:
    """Instructor, teaching assistant or student, from the course membership roles of the launch only."""
    names = _context_role_names(roles)
    if "TeachingAssistant" in names:
        return Role.TEACHING_ASSISTANT
    if names & {"Instructor", "Administrator", "ContentDeveloper"}:
        return Role.INSTRUCTOR
    return Role.STUDENT


def names_from_claims(claims: dict) -> tuple[str, str]:
    """(first name, last name): given/family names, else `name` split, else the e-mail's local part.

    `name` is split at its first space ("Marie Claude Tremblay" → "Marie", "Claude Tremblay"): the
    full name always reads back the same, and particles stay with the family name ("de la Fontaine").
    """
    given, family = (claims.get("given_name") or "").strip(), (claims.get("family_name") or "").strip()
    if not (given or family):
        first, _space, rest = " ".join((claims.get("name") or "").split()).partition(" ")
        given, family = first, rest
    if not (given or family):
        given = (claims.get("email") or "").split("@", 1)[0]
    return given[:150], family[:150]


def _username_for(*, claims: dict) -> str:
    User = get_user_model()
    base = slugify(claims.get("preferred_username") or (claims.get("email") or "").split("@")[0] or "lti")[:100] or "lti"
    username = base
    while User.objects.filter(username=username).exists():
        username = f"{base}-{secrets.token_hex(3)}"
    return username


def _email_taken(email: str, *, except_user_id=None) -> bool:
    others = get_user_model().objects.filter(email__iexact=email)
    if except_user_id is not None:
        others = others.exclude(pk=except_user_id)
    return others.exists()


def lti_account_create(*, platform: LtiPlatform, sub: str, claims: dict) -> LtiUserLink:
    """The one place an LMS identity becomes an account of ours (a hook for account states goes here).

    An e-mail that already belongs to an account is never taken over: the new
    account is made without it and the link keeps the address the LMS gave, so
    the instructor's LTI page shows the duplicate (docs/decisions/0012-lti-identity-model.md).
    """
    User = get_user_model()
    first_name, last_name = names_from_claims(claims)
    email = (claims.get("email") or "").strip()[:254]
    conflict = bool(email) and _email_taken(email)
    user = User(username=_username_for(claims=claims), first_name=first_name, last_name=last_name,
                email="" if conflict else email)
    user.set_unusable_password()  # they arrive through the LMS; a password can be set by reset later
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        # The address was taken between the check and the insert (two first launches at once): same rule.
        conflict, user.pk, user.email = True, None, ""
        user.username = _username_for(claims=claims)
        user.save()
    return LtiUserLink.objects.create(
        platform=platform, issuer=platform.issuer, sub=sub, user=user, owns_account=True,
        claimed_email=email if conflict else "",
    )


def user_link_ensure(*, platform: LtiPlatform, sub: str, claims: dict) -> LtiUserLink:
    """This registration's link for `sub`, creating the account on first sight.

    Names and e-mail follow the LMS only on an account this link created: an
    account that a person or another registration owns is never rewritten, and
    an e-mail another account uses is never copied onto this one.
    """
    link = LtiUserLink.objects.select_related("user").filter(platform=platform, sub=sub).first()
    if link is None:
        return lti_account_create(platform=platform, sub=sub, claims=claims)
    if not link.owns_account:
        return link
    user = link.user
    first_name, last_name = names_from_claims(claims)
    wanted = {"first_name": first_name, "last_name": last_name}
    email = (claims.get("email") or "").strip()[:254]
    if email and email.lower() != user.email.lower():
        if _email_taken(email, except_user_id=user.pk):
            if link.claimed_email != email:
                link.claimed_email = email
                link.save(update_fields=["claimed_email"])
        else:
            wanted["email"] = email
    changed = [field for field, value in wanted.items() if value and getattr(user, field) != value]
    if changed:
        for field in changed:
            setattr(user, field, wanted[field])
        user.save(update_fields=changed)
    return link


def _enrol(*, course: Course, user, role: str) -> None:
    enrollment = Enrollment.objects.filter(course=course, user=user).first()
    if enrollment is None:
        Enrollment.objects.create(course=course, user=user, role=role)
    elif enrollment.role != role:
        # The LMS is the source of truth for who teaches the course it launches.
        enrollment.role = role
        enrollment.save(update_fields=["role"])


def _target(*, course: Course, claims: dict) -> tuple[str, Lesson | None]:
    custom = claims.get(C.CUSTOM) or {}
    lesson = None
    if custom.get("lesson"):
        lesson = Lesson.objects.filter(course=course, slug=custom["lesson"]).first()
    if lesson is None:
        return LtiResourceLink.Target.COURSE, None
    if custom.get("target") == "quiz" and Quiz.objects.filter(lesson=lesson).exists():
        return LtiResourceLink.Target.QUIZ, lesson
    return LtiResourceLink.Target.LESSON, lesson


@transaction.atomic
def launch_complete(*, platform: LtiPlatform, claims: dict) -> LaunchResult:
    """Record a validated launch: nonce spent, person linked and enrolled, context and placement remembered.

    pylti1p3 has already checked signature, state, nonce, audience, expiry and
    deployment; this refuses a second use of the same nonce across every
    process (unique constraint), which the library cannot see.
    """
    try:
        C.claims_check(claims)  # before anything is written: a malformed claim creates nothing
    except C.ClaimError as exc:
        raise LaunchRefused("claim", exc.claim) from None
    try:
        with transaction.atomic():
            LtiNonce.objects.create(issuer=platform.issuer, nonce=claims["nonce"])
    except IntegrityError:
        raise LaunchRefused("nonce") from None
    deployment = LtiDeployment.objects.get(platform=platform, deployment_id=claims[C.DEPLOYMENT_ID])
    course = platform.course
    link = user_link_ensure(platform=platform, sub=claims["sub"], claims=claims)
    if not link.user.is_active:
        raise LaunchRefused("inactive")
    role = role_from_claims(claims.get(C.ROLES, []))
    _enrol(course=course, user=link.user, role=role)

    context_claim = claims.get(C.CONTEXT) or {}
    context_id = context_claim.get("id") or f"deployment:{deployment.deployment_id}"
    ags = claims.get(C.AGS) or {}
    nrps = claims.get(C.NRPS) or {}
    context, _created = LtiContext.objects.update_or_create(
        platform=platform, context_id=context_id,
        defaults={
            "deployment": deployment, "course": course, "title": (context_claim.get("title") or "")[:500],
            **({"lineitems_url": ags["lineitems"], "ags_scopes": ags.get("scope", [])} if ags.get("lineitems") else {}),
            **({"memberships_url": nrps["context_memberships_url"]} if nrps.get("context_memberships_url") else {}),
        },
    )
    # Launching from this LMS course makes them a member: their scores go to it (and only to where they are).
    LtiMembership.objects.get_or_create(context=context, user_link=link)
    resource_link = None
    resource_claim = claims.get(C.RESOURCE_LINK) or {}
    if claims.get(C.MESSAGE_TYPE) == C.RESOURCE_LINK_REQUEST and resource_claim.get("id"):
        target, lesson = _target(course=course, claims=claims)
        resource_link, _created = LtiResourceLink.objects.update_or_create(
            context=context, resource_link_id=resource_claim["id"],
            defaults={"title": (resource_claim.get("title") or "")[:500], "target": target, "lesson": lesson},
        )
        if target == LtiResourceLink.Target.QUIZ and ags.get("lineitem"):
            # The column the LMS made from our deep link: the quiz's scores go there.
            LtiLineItem.objects.update_or_create(context=context, quiz=lesson.quiz, defaults={"url": ags["lineitem"]})
    return LaunchResult(user=link.user, course=course, role=role, link=resource_link, context=context)


# --------------------------------------------------------------------------- scores (AGS)


# No savepoint of its own: it runs inside every submit's transaction, and its one upsert is atomic anyway.
@transaction.atomic(savepoint=False)
def scores_queue(*, quiz_id: int, user_ids) -> int:
    """Put (back) in the outbox the scores of these people for this quiz, in each LMS course they are a member of.

    A section-B student's score goes to section B only: the LMS courses come
    from the person's memberships (launched from it, or listed by its roster),
    never from every LMS course bound to the course site.
    """
    user_ids = list(user_ids)
    if not user_ids:
        return 0
    # The (LMS course, link) pairs in one query: this runs inside every submit.
    pairs = list(
        LtiMembership.objects.filter(context__course__lessons__quiz__pk=quiz_id, user_link__user_id__in=user_ids)
        .filter(Q(context__lineitems_url__gt="") | Q(context__line_items__isnull=False))
        .values_list("context_id", "user_link_id").distinct()
    )
    return _scores_pending(pairs=pairs, column="quiz", target_id=quiz_id)


def scores_queue_manual(*, item_id: int, user_ids) -> int:
    """`scores_queue` for an instructor's manual grade item: its own column in each LMS course the people are in."""
    user_ids = list(user_ids)
    if not user_ids:
        return 0
    pairs = list(
        LtiMembership.objects.filter(context__course__manual_items__pk=item_id, user_link__user_id__in=user_ids)
        .filter(Q(context__lineitems_url__gt="") | Q(context__line_items__manual_item_id=item_id))
        .values_list("context_id", "user_link_id").distinct()
    )
    return _scores_pending(pairs=pairs, column="manual_item", target_id=item_id)


def _scores_pending(*, pairs, column: str, target_id: int) -> int:
    """Mark the score of `column` (a quiz or a manual item) pending for each (LMS course, link) pair.

    One upsert: a regrade of the whole class is one statement, and two changes racing cannot collide.
    A row the LMS refused for good goes back to pending too: a new grade is worth one more try.
    """
    if not pairs:
        return 0
    now = timezone.now()
    rows = [
        LtiScore(context_id=context_id, user_link_id=link_id, status=LtiScore.Status.PENDING, next_try_at=now, tries=0,
                 **{f"{column}_id": target_id})
        for context_id, link_id in pairs
    ]
    LtiScore.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["context", column, "user_link"],
        update_fields=["status", "next_try_at", "tries", "updated_at"],
    )
    transaction.on_commit(_send_soon)
    return len(rows)


def _send_soon() -> None:
    """Ask a worker to send now; with the broker down the rows simply wait for the 5-minute beat."""
    from lti.tasks import send_due_scores

    # The site's one way to publish from a request: bounded by the broker timeouts, never failing the submit.
    task_publish_quietly(send_due_scores)


def _backoff(tries: int) -> timedelta:
    return min(timedelta(minutes=2 ** max(tries - 1, 0)), MAX_BACKOFF)


def _claim_score(now) -> LtiScore | None:
    """Lock the next due score (other senders skip it) for the time it is sent and marked."""
    return (
        LtiScore.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("context__platform", "quiz__lesson", "manual_item", "user_link")
        .filter(status=LtiScore.Status.PENDING, next_try_at__lte=now)
        .order_by("next_try_at", "pk")
        .first()
    )


def _post_score(score: LtiScore) -> None:
    """The grade is read at send time, so a row queued three times sends the latest grade once."""
    from lti import platform_api
    from lti.selectors import manual_score_percent, quiz_score_percent

    if score.manual_item_id is not None:
        score.percent = manual_score_percent(item=score.manual_item, user_id=score.user_link.user_id)
    else:
        score.percent = quiz_score_percent(quiz=score.quiz, user_id=score.user_link.user_id)
    platform_api.score_post(
        context=score.context, line_item_url=_line_item_url(score=score), sub=score.user_link.sub,
        percent=score.percent, timestamp=timezone.now(),
    )


def _mark_score_sent(score: LtiScore, now) -> None:
    score.status = LtiScore.Status.SENT
    score.sent_score = Decimal(score.percent) if score.percent is not None else None
    score.sent_at = now
    score.last_error = ""
    score.save(update_fields=["status", "sent_score", "sent_at", "last_error", "updated_at"])


def _mark_score_failed(score: LtiScore, exc: Exception, now) -> None:
    score.tries += 1
    score.last_error = str(exc)[:2000]
    permanent = getattr(exc, "permanent", False)
    if permanent:
        # Refused for good (403 not a member, 404 column gone, 400…): retrying repeats the refusal.
        # The instructor sees it with its reason on the LTI page and may send it again.
        score.status = LtiScore.Status.FAILED
    else:
        score.next_try_at = now + _backoff(score.tries)
    score.save(update_fields=["status", "tries", "next_try_at", "last_error", "updated_at"])
    logger.warning("LTI score %s not delivered (try %s, %s): %s", score.pk, score.tries,
                   "permanent" if permanent else "will retry", exc)


def _line_item_url(*, score: LtiScore) -> str:
    from lti import platform_api

    column = {"manual_item": score.manual_item} if score.manual_item_id is not None else {"quiz": score.quiz}
    existing = LtiLineItem.objects.filter(context=score.context, **column).values_list("url", flat=True).first()
    if existing:
        return existing
    url = platform_api.line_item_find_or_create(context=score.context, **column)
    LtiLineItem.objects.get_or_create(context=score.context, **column, defaults={"url": url})
    return url


@transaction.atomic
def score_resend(*, score: LtiScore) -> None:
    """The instructor's "send again" on a score the LMS refused: back to pending, sent at once."""
    if score.status != LtiScore.Status.FAILED:
        return  # already pending or sent: nothing to do
    score.status = LtiScore.Status.PENDING
    score.next_try_at = timezone.now()
    score.tries = 0
    score.save(update_fields=["status", "next_try_at", "tries", "updated_at"])
    transaction.on_commit(_send_soon)


def scores_send_due(*, now=None) -> int:
    """Send every score whose time has come, each in its own transaction; returns how many the LMS accepted.

    The same sender as the e-mails (`coursesite.outbox`): a crash costs at most the score in
    flight, posted again (an LMS keeps the latest score, so a repeat is harmless).
    """
    from lti.platform_api import PlatformError

    outbox = Outbox(
        name="lti scores", claim=_claim_score, send=_post_score, mark_sent=_mark_score_sent,
        mark_failed=_mark_score_failed, errors=(PlatformError,),
    )
    report = outbox_send_each(outbox, now=now)
    if report.more_to_do:
        _send_soon()
    return report.sent


# --------------------------------------------------------------------------- roster (NRPS)


@dataclass(frozen=True)
class RosterSyncResult:
    created_users: int
    enrolled: int
    updated: int


@transaction.atomic
def roster_sync(*, context: LtiContext) -> RosterSyncResult:
    """Enrol the LMS course's active members (linked by this registration's `sub`) with their course role.

    A member is linked through the context's own registration, so a roster can
    only reach accounts that registration created or linked; a malformed
    member entry is skipped (and counted in the log), never a 500.
    """
    from lti import platform_api

    members = platform_api.roster_fetch(context=context)
    platform = context.platform
    created = enrolled = updated = skipped = 0
    for member in members:
        try:
            if not isinstance(member, dict):
                raise C.ClaimError("member")
            C.person_claims_check(member, sub_claim="user_id")
            if member.get("roles") is not None and not isinstance(member["roles"], list):
                raise C.ClaimError("roles")
        except C.ClaimError:
            skipped += 1
            continue
        if member.get("status", "Active") != "Active":
            continue
        existed = LtiUserLink.objects.filter(platform=platform, sub=member["user_id"]).exists()
        link = user_link_ensure(platform=platform, sub=member["user_id"], claims=member)
        created += not existed
        LtiMembership.objects.get_or_create(context=context, user_link=link)
        role = role_from_claims([r for r in member.get("roles") or [] if isinstance(r, str)])
        enrollment = Enrollment.objects.filter(course=context.course, user=link.user).first()
        if enrollment is None:
            Enrollment.objects.create(course=context.course, user=link.user, role=role)
            enrolled += 1
        elif enrollment.role != role:
            enrollment.role = role
            enrollment.save(update_fields=["role"])
            updated += 1
    if skipped:
        logger.warning("LTI roster of context %s: %s malformed member entries skipped", context.pk, skipped)
    context.roster_synced_at = timezone.now()
    context.save(update_fields=["roster_synced_at"])
    return RosterSyncResult(created_users=created, enrolled=enrolled, updated=updated)
