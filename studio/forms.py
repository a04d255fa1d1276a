import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courses.models import Enrollment
from courses.services import MAX_EXTRA_TIME_PERCENT
from lessons.models import MAX_OBJECTIVE_LENGTH, MAX_OBJECTIVES, MAX_PROMPT_BODY_LENGTH, MAX_SUMMARY_LENGTH
from quizzes.models import Quiz

# A quiz of a few hundred questions is well under this; anything larger is not a quiz file.
MAX_GIFT_BYTES = 512 * 1024
MAX_CSV_BYTES = 1024 * 1024
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
MAX_TIME_LIMIT_MINUTES = 7 * 24 * 60
MAX_ATTEMPTS = 100


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format=DATETIME_FORMAT, **kwargs)


def _datetime_field(label, help_text=""):
    return forms.DateTimeField(
        label=label, required=False, help_text=help_text, widget=DateTimeLocalInput(), input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M"]
    )


def read_text_upload(upload, *, max_bytes: int) -> str:
    """The uploaded file as text; ValidationError with a message people understand otherwise."""
    if upload.size > max_bytes:
        raise ValidationError(
            _("The file is too large (%(size)d KB); the limit is %(max)d KB."),
            params={"size": upload.size // 1024, "max": max_bytes // 1024},
        )
    raw = upload.read()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(
            _("The file is not UTF-8 text. Save it as “UTF-8” (in Excel: CSV UTF-8; in a text editor: encoding UTF-8) and upload it again.")
        ) from None
    if "\x00" in text:
        raise ValidationError(_("The file contains NUL characters: it is not a text file."))
    return text


class GiftForm(forms.Form):
    """A GIFT file, or its text pasted or corrected in place; `text` is what the import reads."""

    gift_file = forms.FileField(label=_("GIFT file"), required=False, help_text=_("A .gift or .txt file in UTF-8."))
    gift_text = forms.CharField(
        label=_("GIFT text"), required=False, widget=forms.Textarea(attrs={"rows": 14, "spellcheck": "false", "class": "font-monospace"}),
        help_text=_("Or paste the questions here; correct them here after a preview."),
    )

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("gift_file")
        if upload:
            try:
                cleaned["gift_text"] = read_text_upload(upload, max_bytes=MAX_GIFT_BYTES)
            except ValidationError as exc:
                self.add_error("gift_file", exc)
                return cleaned
            # Keep what was read in the form, so a correction starts from it.
            self.data = self.data.copy()
            self.data["gift_text"] = cleaned["gift_text"]
        text = cleaned.get("gift_text") or ""
        if len(text.encode("utf-8")) > MAX_GIFT_BYTES:
            self.add_error("gift_text", _("The text is too long; the limit is %(max)d KB.") % {"max": MAX_GIFT_BYTES // 1024})
        elif "\x00" in text:
            self.add_error("gift_text", _("The text contains NUL characters."))
        elif not text.strip() and not self.errors:
            raise ValidationError(_("Choose a GIFT file or paste its text."))
        return cleaned


class QuestionForm(forms.Form):
    gift_text = forms.CharField(
        label=_("The question in GIFT"), max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 10, "spellcheck": "false", "class": "font-monospace"}),
    )
    # A short answer's grading options: GIFT has no syntax for them, so they are fields of their own.
    accents_count = forms.BooleanField(
        label=_("Accents count"), required=False,
        help_text=_("Unticked (the default): “rarete” earns the credit of “rareté”."),
    )
    article_counts = forms.BooleanField(
        label=_("A leading article counts"), required=False,
        help_text=_("Unticked (the default): “la rareté”, “rareté” and “une rareté” are the same answer."),
    )

    def __init__(self, *args, short_answer: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not short_answer:
            del self.fields["accents_count"], self.fields["article_counts"]

    @staticmethod
    def initial_options(question) -> dict:
        options = question.data.get("options") or {}
        return {
            "accents_count": not options.get("accent_insensitive", True),
            "article_counts": not options.get("articles_optional", True),
        }

    def grading_options(self) -> dict | None:
        """The short answer's options as stored in `Question.data["options"]`; None for other questions."""
        if "accents_count" not in self.fields:
            return None
        return {
            "accent_insensitive": not self.cleaned_data.get("accents_count"),
            "articles_optional": not self.cleaned_data.get("article_counts"),
        }

    def clean_gift_text(self):
        text = self.cleaned_data["gift_text"]
        if "\x00" in text:
            raise ValidationError(_("The text contains NUL characters."))
        return text


class QuizSettingsForm(forms.ModelForm):
    opens_at = _datetime_field(_("Opens at"), _("Empty: open now."))
    due_at = _datetime_field(_("Due at"), _("Empty: no due date."))

    class Meta:
        model = Quiz
        fields = ["opens_at", "due_at", "time_limit_minutes", "max_attempts", "grading_method",
                  "shuffle_questions", "shuffle_choices", "review_policy", "late_policy"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The model's integer columns take 2**31 on PostgreSQL and anything on SQLite: bound them here, where
        # the message can say why. A week and a hundred attempts are far above any real quiz.
        self.fields["time_limit_minutes"].max_value = MAX_TIME_LIMIT_MINUTES
        self.fields["time_limit_minutes"].validators.append(MaxValueValidator(MAX_TIME_LIMIT_MINUTES))
        self.fields["max_attempts"].validators.append(MaxValueValidator(MAX_ATTEMPTS))
        self.fields["time_limit_minutes"].widget.attrs["max"] = MAX_TIME_LIMIT_MINUTES
        self.fields["max_attempts"].widget.attrs["max"] = MAX_ATTEMPTS

    def clean(self):
        cleaned = super().clean()
        opens_at, due_at = cleaned.get("opens_at"), cleaned.get("due_at")
        if opens_at and due_at and due_at <= opens_at:
            self.add_error("due_at", _("The due date must come after the opening date."))
        if due_at and due_at != self.instance.due_at and due_at < timezone.now():
            self.add_error("due_at", _("This date is in the past: choose a later one."))
        return cleaned

    def _post_clean(self):
        # Validation only: the studio service saves, so the instance is left as it was.
        pass


class LessonForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    summary = forms.CharField(label=_("Summary"), max_length=MAX_SUMMARY_LENGTH, widget=forms.Textarea(attrs={"rows": 4}))
    objectives = forms.CharField(
        label=_("Learning objectives"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        max_length=MAX_OBJECTIVES * (MAX_OBJECTIVE_LENGTH + 2),
        help_text=_("One objective per line."),
    )
    is_published = forms.BooleanField(label=_("Published (students see it)"), required=False)
    due_at = _datetime_field(_("Quiz due at"), _("The lesson's quiz, discussion and reading are due then. Empty: no due date."))

    def clean_objectives(self):
        objectives = [line.strip() for line in self.cleaned_data["objectives"].splitlines() if line.strip()]
        if len(objectives) > MAX_OBJECTIVES:
            raise ValidationError(_("At most %(max)d objectives."), params={"max": MAX_OBJECTIVES})
        for number, objective in enumerate(objectives, start=1):
            if len(objective) > MAX_OBJECTIVE_LENGTH:
                raise ValidationError(_("Objective %(number)d is longer than %(max)d characters."),
                                      params={"number": number, "max": MAX_OBJECTIVE_LENGTH})
        return objectives

    def __init__(self, *args, current_due_at=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.current_due_at = current_due_at

    def clean_due_at(self):
        due_at = self.cleaned_data["due_at"]
        if due_at and due_at != self.current_due_at and due_at < timezone.now():
            raise ValidationError(_("This date is in the past: choose a later one."))
        return due_at


class PromptForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(label=_("Question"), max_length=MAX_PROMPT_BODY_LENGTH, widget=forms.Textarea(attrs={"rows": 3}))


class EnrollmentCsvForm(forms.Form):
    csv_file = forms.FileField(
        label=_("CSV file"), help_text=_("One person per line: e-mail, first name, last name, group (optional). A header line is allowed.")
    )
    role = forms.ChoiceField(label=_("Role"), choices=Enrollment.Role.choices, initial=Enrollment.Role.STUDENT)
    create_accounts = forms.BooleanField(
        label=_("Create accounts"), required=False,
        help_text=_("For addresses that have no account yet; each receives an invitation e-mail to choose a password "
                    "(the link works for 7 days). Unticked, such an address is reported with its line (a typo, most often)."),
    )

    confirm_look_alikes = forms.BooleanField(
        label=_("These addresses are right"), required=False,
        help_text=_("Tick after checking with the people concerned an address flagged as mixing alphabets or in punycode."),
    )

    def clean_csv_file(self):
        return read_text_upload(self.cleaned_data["csv_file"], max_bytes=MAX_CSV_BYTES)


class EnrolOneForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"))
    role = forms.ChoiceField(label=_("Role"), choices=Enrollment.Role.choices, initial=Enrollment.Role.STUDENT)
    group = forms.CharField(label=_("Group"), max_length=50, required=False)
    create_accounts = forms.BooleanField(
        label=_("Create the account if this address has none"), required=False,
        help_text=_("The person receives an invitation e-mail to choose a password."),
    )
    confirm_look_alikes = forms.BooleanField(label=_("This address is right"), required=False)


class EnrollmentForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Enrollment.Role.choices)
    group = forms.CharField(label=_("Group"), max_length=50, required=False)
    extra_time_percent = forms.IntegerField(
        label=_("Extra time (%)"), min_value=0, max_value=MAX_EXTRA_TIME_PERCENT, required=False,
        help_text=_("On every timed quiz of the course, e.g. 33 for +33 %."),
    )

    def clean_extra_time_percent(self):
        return self.cleaned_data["extra_time_percent"] or 0


class QuizOverrideForm(forms.Form):
    """A student's or a group's own dates for a quiz; empty fields keep the usual ones (`quizzes.dates`)."""

    who = forms.ChoiceField(label=_("For"))
    opens_at = _datetime_field(_("Opens at"), _("Empty: as for the others."))
    due_at = _datetime_field(_("Due at"), _("Empty: as for the others."))
    time_limit_minutes = forms.IntegerField(
        label=_("Time limit (minutes)"), min_value=1, max_value=MAX_TIME_LIMIT_MINUTES, required=False,
        help_text=_("Empty: as for the others (with the student's extra time, if any)."),
    )
    max_attempts = forms.IntegerField(
        label=_("Attempts allowed"), min_value=1, max_value=MAX_ATTEMPTS, required=False, help_text=_("Empty: as for the others."),
    )

    def __init__(self, *args, students=(), groups=(), current_due_at=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.current_due_at = current_due_at
        self.fields["who"].choices = [("", "—")] + [
            (_("Students"), [(f"student:{e.user_id}", e.user.display_name or e.user.username) for e in students]),
            (_("Groups"), [(f"group:{name}", name) for name in groups]),
        ]

    def clean(self):
        cleaned = super().clean()
        fields = ("opens_at", "due_at", "time_limit_minutes", "max_attempts")
        if self.is_valid_so_far() and all(cleaned.get(name) is None for name in fields):
            raise ValidationError(_("Set at least one date, time limit or number of attempts."))
        opens_at, due_at = cleaned.get("opens_at"), cleaned.get("due_at")
        if opens_at and due_at and due_at <= opens_at:
            self.add_error("due_at", _("The due date must come after the opening date."))
        if due_at and due_at != self.current_due_at and due_at < timezone.now():
            self.add_error("due_at", _("This date is in the past: choose a later one."))
        return cleaned

    def is_valid_so_far(self) -> bool:
        return not self._errors

    def target(self) -> tuple[int | None, str]:
        """(student's user id, None) or (None, group name) from the « For » choice."""
        kind, _sep, value = self.cleaned_data["who"].partition(":")
        return (int(value), "") if kind == "student" else (None, value)


class CourseCopyForm(forms.Form):
    new_slug = forms.SlugField(label=_("Address of the copy"), max_length=80, help_text=_("Letters, digits and hyphens, e.g. marketing-numerique-h2027."))
    title = forms.CharField(label=_("Title of the copy"), max_length=200)
    starts_on = forms.DateField(label=_("The new term starts on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def clean_starts_on(self):
        starts_on = self.cleaned_data["starts_on"]
        if starts_on < timezone.localdate():
            raise ValidationError(_("This date is in the past: choose a later one."))
        return starts_on


def starts_on_default() -> dt.date:
    return timezone.localdate() + dt.timedelta(days=120)
