"""Writes of the LTI tool: keys, registrations, launches, deep links, scores and rosters."""

import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
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
    LtiNonce,
    LtiPlatform,
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

    def __init__(self, kind: str):
        super().__init__(kind)
        self.kind = kind


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


# --------------------------------------------------------------------------- launch


@dataclass(frozen=True)
class LaunchResult:
    user: object
    course: Course
    role: str
    link: LtiResourceLink | None
    context: LtiContext


def role_from_claims(roles: list[str]) -> str:
    """Instructor, teaching assistant or student, from the LIS roles of the launch."""
    names = {role.rsplit("#", 1)[-1].rsplit("/", 1)[-1] for role in roles or []}
    if "TeachingAssistant" in names:
        return Role.TEACHING_ASSISTANT
    if names & {"Instructor", "Administrator", "ContentDeveloper"}:
        return Role.INSTRUCTOR
    return Role.STUDENT


def _username_for(*, issuer: str, sub: str, claims: dict) -> str:
    User = get_user_model()
    base = slugify(claims.get("preferred_username") or claims.get("email", "").split("@")[0] or "lti")[:100] or "lti"
    username = base
    while User.objects.filter(username=username).exists():
        username = f"{base}-{secrets.token_hex(3)}"
    return username


def user_link_ensure(*, issuer: str, sub: str, claims: dict) -> LtiUserLink:
    """The (issuer, sub) link, creating the user on first launch; names and e-mail follow the LMS."""
    link = LtiUserLink.objects.select_related("user").filter(issuer=issuer, sub=sub).first()
    User = get_user_model()
    if link is None:
        user = User(username=_username_for(issuer=issuer, sub=sub, claims=claims))
        user.set_unusable_password()  # they arrive through the LMS; a password can be set by reset later
        user.save()
        link = LtiUserLink.objects.create(issuer=issuer, sub=sub, user=user)
    user = link.user
    changed = []
    for field, claim in (("first_name", "given_name"), ("last_name", "family_name"), ("email", "email")):
        value = (claims.get(claim) or "")[:150]
        if value and getattr(user, field) != value:
            setattr(user, field, value)
            changed.append(field)
    if changed:
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
        with transaction.atomic():
            LtiNonce.objects.create(issuer=platform.issuer, nonce=claims["nonce"])
    except IntegrityError:
        raise LaunchRefused("nonce") from None
    deployment = LtiDeployment.objects.get(platform=platform, deployment_id=claims[C.DEPLOYMENT_ID])
    course = platform.course
    link = user_link_ensure(issuer=platform.issuer, sub=claims["sub"], claims=claims)
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
            "deployment": deployment, "course": course, "title": context_claim.get("title", "")[:500],
            **({"lineitems_url": ags["lineitems"], "ags_scopes": ags.get("scope", [])} if ags.get("lineitems") else {}),
            **({"memberships_url": nrps["context_memberships_url"]} if nrps.get("context_memberships_url") else {}),
        },
    )
    resource_link = None
    resource_claim = claims.get(C.RESOURCE_LINK) or {}
    if claims.get(C.MESSAGE_TYPE) == C.RESOURCE_LINK_REQUEST and resource_claim.get("id"):
        target, lesson = _target(course=course, claims=claims)
        resource_link, _created = LtiResourceLink.objects.update_or_create(
            context=context, resource_link_id=resource_claim["id"],
            defaults={"title": resource_claim.get("title", "")[:500], "target": target, "lesson": lesson},
        )
        if target == LtiResourceLink.Target.QUIZ and ags.get("lineitem"):
            # The column the LMS made from our deep link: the quiz's scores go there.
            LtiLineItem.objects.update_or_create(context=context, quiz=lesson.quiz, defaults={"url": ags["lineitem"]})
    return LaunchResult(user=link.user, course=course, role=role, link=resource_link, context=context)


# --------------------------------------------------------------------------- scores (AGS)


# No savepoint of its own: it runs inside every submit's transaction, and its one upsert is atomic anyway.
@transaction.atomic(savepoint=False)
def scores_queue(*, quiz_id: int, user_ids) -> int:
    """Put (back) in the outbox the scores of these people for this quiz in every LMS course that grades it."""
    user_ids = list(user_ids)
    if not user_ids:
        return 0
    # The LMS courses bound to the quiz's course, found in one query: this runs inside every submit.
    contexts = list(LtiContext.objects.filter(course__lessons__quiz__pk=quiz_id).exclude(lineitems_url="", line_items=None)
                    .select_related("platform").distinct())
    if not contexts:
        return 0
    links = list(LtiUserLink.objects.filter(user_id__in=user_ids, issuer__in={c.platform.issuer for c in contexts}))
    now = timezone.now()
    rows = [
        LtiScore(context=context, quiz_id=quiz_id, user_link=link, status=LtiScore.Status.PENDING, next_try_at=now, tries=0)
        for context in contexts
        for link in links
        if link.issuer == context.platform.issuer
    ]
    # One upsert: a regrade of the whole class is one statement, and two changes racing cannot collide.
    LtiScore.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["context", "quiz", "user_link"],
        update_fields=["status", "next_try_at", "tries", "updated_at"],
    )
    count = len(rows)
    if count:
        transaction.on_commit(_send_soon)
    return count


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
        .select_related("context__platform", "quiz__lesson", "user_link")
        .filter(status=LtiScore.Status.PENDING, next_try_at__lte=now)
        .order_by("next_try_at", "pk")
        .first()
    )


def _post_score(score: LtiScore) -> None:
    """The grade is read at send time, so a row queued three times sends the latest grade once."""
    from lti import platform_api
    from lti.selectors import quiz_score_percent

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
    score.next_try_at = now + _backoff(score.tries)
    score.last_error = str(exc)[:2000]
    score.save(update_fields=["tries", "next_try_at", "last_error", "updated_at"])
    logger.warning("LTI score %s not delivered (try %s): %s", score.pk, score.tries, exc)


def _line_item_url(*, score: LtiScore) -> str:
    from lti import platform_api

    existing = LtiLineItem.objects.filter(context=score.context, quiz=score.quiz).values_list("url", flat=True).first()
    if existing:
        return existing
    url = platform_api.line_item_find_or_create(context=score.context, quiz=score.quiz)
    LtiLineItem.objects.get_or_create(context=score.context, quiz=score.quiz, defaults={"url": url})
    return url


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
    """Enrol the LMS course's active members (created and linked by (issuer, sub)) with their LMS role."""
    from lti import platform_api

    members = platform_api.roster_fetch(context=context)
    issuer = context.platform.issuer
    created = enrolled = updated = 0
    for member in members:
        if member.get("status", "Active") != "Active" or not member.get("user_id"):
            continue
        existed = LtiUserLink.objects.filter(issuer=issuer, sub=member["user_id"]).exists()
        link = user_link_ensure(issuer=issuer, sub=member["user_id"], claims=member)
        created += not existed
        role = role_from_claims(member.get("roles", []))
        enrollment = Enrollment.objects.filter(course=context.course, user=link.user).first()
        if enrollment is None:
            Enrollment.objects.create(course=context.course, user=link.user, role=role)
            enrolled += 1
        elif enrollment.role != role:
            enrollment.role = role
            enrollment.save(update_fields=["role"])
            updated += 1
    context.roster_synced_at = timezone.now()
    context.save(update_fields=["roster_synced_at"])
    return RosterSyncResult(created_users=created, enrolled=enrolled, updated=updated)
