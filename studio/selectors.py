"""Reads of the instructor studio: each page in a fixed number of queries whatever the class size."""

from dataclasses import dataclass
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.http import Http404
from django.db.models import Count, Q
from django.utils import timezone

from accounts.selectors import account_is_activated, latest_invitations, never_activated_q

from courses.audit import audit_trail
from courses.models import AuditEntry, Course, Enrollment
from gradebook.computation import REVIEW_KEY
from gradebook.selectors import gradebook_frame, gradebook_rows, gradebook_stream
from lessons.models import Lesson
from quizzes.models import Question, Quiz, QuizOverride
from reminders.models import Kind, Reminder
from studio.models import EnrolmentImport

AUDIT_LINES_SHOWN = 50


def studio_lessons(*, course: Course) -> list[Lesson]:
    """Every lesson (published or not) with its quiz and counts of active questions and prompts: one query."""
    return list(
        Lesson.objects.filter(course=course)
        .select_related("quiz")
        .defer("blocks", "reading_markdown", "reading_html")
        .annotate(
            questions_total=Count("quiz__questions", filter=Q(quiz__questions__is_active=True), distinct=True),
            prompts_total=Count("prompts", filter=Q(prompts__is_active=True), distinct=True),
        )
        .order_by("position")
    )


def quiz_questions(*, quiz: Quiz) -> list[Question]:
    """The quiz's current questions in order, each with how many responses it has (`answered`): one query."""
    return list(
        Question.objects.filter(quiz=quiz, is_active=True)
        .annotate(answered=Count("responses"))
        .order_by("position", "pk")
    )


def audit_lines(*, course: Course, limit: int = AUDIT_LINES_SHOWN) -> list[AuditEntry]:
    """« Modifications récentes »: the course's audit trail, whatever app wrote it (studio, overrides, moderation, grading)."""
    return list(audit_trail(course=course)[:limit])


PEOPLE_PER_PAGE = 50
MAX_REMOVED_SHOWN = 50


def course_people(*, course: Course, search: str = "", page_number=1) -> Page:
    """One page of the course's people, matching `search` in their name, address, username or group.

    A page, not the list: 20,000 people made a 29 MB page that took 7 s to render.
    """
    people = Enrollment.objects.filter(course=course).select_related("user").order_by(
        "role", "user__last_name", "user__first_name", "user__username", "pk"
    )
    for word in search.split()[:5]:
        people = people.filter(
            Q(user__first_name__icontains=word) | Q(user__last_name__icontains=word) | Q(user__email__icontains=word)
            | Q(user__username__icontains=word) | Q(group__icontains=word)
        )
    return Paginator(people, PEOPLE_PER_PAGE).get_page(page_number)


@dataclass(frozen=True)
class AccountState:
    """Where a person's account stands, for the people page."""

    state: str  # "active", "invited", "expired" or "not_activated" (no invitation on record)
    last_login: object = None
    invited_at: object = None
    sent_at: object = None
    opened_at: object = None
    expires_at: object = None
    failed: bool = False  # the mail server refused the invitation e-mail (after the sender's retries)

    @property
    def pending(self) -> bool:
        return self.state != "active"


def pending_activation_count(*, course: Course) -> int:
    """How many of the course's people have not activated their account yet (the whole course, not one page)."""
    return Enrollment.objects.filter(never_activated_q("user__"), course=course).count()


def people_states(*, people: list[Enrollment], now=None) -> dict[int, AccountState]:
    """Each enrolled person's account state: two queries (invitations, their e-mails) whatever the class size."""
    now = now or timezone.now()
    waiting = [e.user for e in people if not account_is_activated(e.user)]
    invitations = latest_invitations(user_ids=[u.pk for u in waiting])
    emails: dict[int, Reminder] = {}
    if waiting:
        for row in Reminder.objects.filter(
            user_id__in=[u.pk for u in waiting], kind__in=[Kind.INVITATION, Kind.INVITATION_REMINDER]
        ).order_by("user_id", "-created_at", "-pk").only("user_id", "status", "sent_at", "created_at"):
            emails.setdefault(row.user_id, row)
    states = {}
    for enrollment in people:
        user = enrollment.user
        invitation = invitations.get(user.pk)
        if account_is_activated(user):
            states[user.pk] = AccountState(state="active", last_login=user.last_login)
        elif invitation is None:
            states[user.pk] = AccountState(state="not_activated")
        else:
            email = emails.get(user.pk)
            states[user.pk] = AccountState(
                state="invited" if invitation.is_open(now) else "expired",
                invited_at=invitation.created_at, opened_at=invitation.opened_at, expires_at=invitation.expires_at,
                sent_at=email.sent_at if email else None, failed=bool(email and email.status == Reminder.Status.FAILED),
            )
    return states


def enrolment_import_for(*, course: Course, import_id: int) -> EnrolmentImport:
    """A CSV enrolment of this course (404 for another course's), without its file."""
    job = EnrolmentImport.objects.defer("csv_text").filter(course=course, pk=import_id).first()
    if job is None:
        raise Http404
    return job


def removed_people(*, course: Course) -> list[AuditEntry]:
    """The last removal of each person no longer enrolled, most recent first, for the "restore" buttons.

    Two queries whatever the course's size; at most MAX_REMOVED_SHOWN lines (the audit trail keeps them all).
    """
    enrolled_ids = set(Enrollment.objects.filter(course=course).values_list("user_id", flat=True))
    seen, lines = set(), []
    for line in audit_trail(course=course, actions=[AuditEntry.Action.ENROLLMENT_REMOVE]).iterator():
        user_id = line.subject_id
        if user_id in seen or user_id in enrolled_ids:
            continue
        seen.add(user_id)
        lines.append(line)
        if len(lines) == MAX_REMOVED_SHOWN:
            break
    return lines


@dataclass(frozen=True)
class TotalChange:
    name: str
    before: Decimal | None
    after: Decimal | None
    letter_before: str
    letter_after: str

    @property
    def delta(self) -> Decimal | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before


@dataclass(frozen=True)
class SchemePreview:
    changes: list[TotalChange]
    # The spaced review's participation credit is on and counts in these totals (set in the review settings).
    review_credit: bool = False

    def _mean(self, attribute: str) -> Decimal | None:
        values = [getattr(c, attribute) for c in self.changes if getattr(c, attribute) is not None]
        return round(sum(values) / len(values), 2) if values else None

    @property
    def mean_before(self):
        return self._mean("before")

    @property
    def mean_after(self):
        return self._mean("after")

    @property
    def letters_changed(self) -> int:
        return sum(1 for c in self.changes if c.letter_before != c.letter_after)


def scheme_preview(*, course: Course, proposed, frame) -> SchemePreview:
    """Each student's total so far as the gradebook shows it now, and as it would under `proposed`
    (an unsaved GradingScheme).

    No formula of its own: "now" is the kept standings (brought up to date first), "after" is the
    gradebook's reference computation (`gradebook_rows`) with the proposed scheme in its frame, so the
    new weights, participation credits, late penalty and letter scale all apply, with the reviews'
    participation credit when it is on and the instructors' overrides. Saving gives the same figures.
    `frame` comes from `gradebook.standings.standings_fresh_frame` (the view's call: selectors never write).
    """
    _frame, kept = gradebook_stream(course=course, frame=frame)
    before = {enrollment.user_id: grade for enrollment, grade in kept}
    proposed_frame = gradebook_frame(course=course, now=frame.now, scheme_record=proposed)
    changes, review_credit = [], False
    for row in gradebook_rows(course=course, frame=proposed_frame).rows:
        user = row.enrollment.user
        now_grade, after = before.get(user.pk), row.grade
        review_credit = review_credit or REVIEW_KEY in after.items
        changes.append(TotalChange(
            name=user.get_full_name() or user.username,
            before=now_grade.total_so_far if now_grade else None, after=after.total_so_far,
            letter_before=now_grade.letter if now_grade else "", letter_after=after.letter,
        ))
    return SchemePreview(changes=changes, review_credit=review_credit)


@dataclass
class OverridesPage:
    overrides: list  # QuizOverride rows, groups first, each with its student
    students: list[Enrollment]  # the course's students, for the « For » list and their extra time
    groups: list[str]

    @property
    def with_extra_time(self) -> list[Enrollment]:
        return [e for e in self.students if e.extra_time_percent]


def quiz_overrides_page(*, quiz: Quiz) -> OverridesPage:
    """A quiz's overrides, the course's students and groups: three queries whatever the class size."""
    overrides = list(QuizOverride.objects.filter(quiz=quiz).select_related("user").order_by("-group", "user__last_name", "pk"))
    students = list(
        Enrollment.objects.filter(course_id=quiz.lesson.course_id, role=Enrollment.Role.STUDENT)
        .select_related("user").order_by("user__last_name", "user__first_name", "user__username")
    )
    groups = sorted({e.group for e in students if e.group} | {o.group for o in overrides if o.group})
    return OverridesPage(overrides=overrides, students=students, groups=groups)


def quiz_override_for(*, quiz: Quiz, override_id: int) -> QuizOverride:
    """One override of this quiz; 404 for any other id."""
    override = QuizOverride.objects.select_related("user").filter(quiz=quiz, pk=override_id).first()
    if override is None:
        raise Http404
    return override
