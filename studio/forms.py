import datetime as dt
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courses.models import Enrollment
from courses.services import MAX_EXTRA_TIME_PERCENT
from lessons.forms import LessonContentForm
from lessons.models import MAX_PROMPT_BODY_LENGTH
from quizzes.gift import GiftAnswer, GiftQuestion, parse_gift, truefalse_answers, write_gift
from quizzes.gift_messages import gift_error_message
from quizzes.models import Quiz
from quizzes.question_data import gift_from_question

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
        label=_("GIFT text"), required=False,
        widget=forms.Textarea(attrs={"rows": 14, "spellcheck": "false", "class": "font-monospace", "data-line-numbers": ""}),
        help_text=_("Or paste the questions here; correct them here after a preview."),
    )
    # Not required: a post without it (a script, an older page) keeps the historical « replace ».
    mode = forms.ChoiceField(
        label=_("What the file does"), widget=forms.RadioSelect, initial="replace", required=False,
        choices=[("replace", _("Replace: the file becomes the whole quiz (questions it leaves out go to the trash)")),
                 ("add", _("Add: the file's questions join the quiz (a question with the same title is updated); nothing is removed"))],
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
        widget=forms.Textarea(attrs={"rows": 10, "spellcheck": "false", "class": "font-monospace", "data-line-numbers": ""}),
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


class LessonForm(LessonContentForm):
    """The lessons' own editor (`lessons.forms`) plus the quiz's due date, saved together by the studio."""

    due_at = _datetime_field(_("Quiz due at"), _("The lesson's quiz, discussion and reading are due then. Empty: no due date."))

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


# --- A question by form, one per type ------------------------------------------------------------

MAX_ANSWER_ROWS = 20
WEIGHT_HELP = _("Percent of the points: 100 for a right answer, 0 for a wrong one, a part (50, 33.33333…) or a penalty (−50).")


def _row_widget(**attrs):
    return forms.TextInput(attrs={"class": "form-control form-control-sm", **attrs})


class QuestionByTypeForm(forms.Form):
    """One question written field by field; `clean()` turns it into GIFT and reads it back, so what the form
    saves is exactly what the GIFT view of the question shows (and the parser's rules apply to both).

    Answers come in numbered rows (`answer_<n>_text`, `_weight`, `_feedback`, `_value`, `_tolerance`, `_min`,
    `_max`; `pair_<n>_stem`, `_answer`); `rows` says how many, and « More rows » adds three.
    """

    CHOICE_TYPES = ("multichoice", "multichoice_multi", "shortanswer")

    title = forms.CharField(
        label=_("Title"), max_length=255, required=False,
        help_text=_("Identifies the question across imports and versions; it cannot change once saved."),
    )
    text = forms.CharField(label=_("Question text"), max_length=20_000, widget=forms.Textarea(attrs={"rows": 4}))
    text_format = forms.ChoiceField(
        label=_("Text format"), initial="moodle",
        choices=[("moodle", _("Moodle (plain text with line breaks)")), ("markdown", "Markdown"), ("html", "HTML"), ("plain", _("Plain text"))],
    )
    general_feedback = forms.CharField(
        label=_("General feedback"), max_length=5_000, required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Shown to every student after the attempt, whatever the answer."),
    )
    rows = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=MAX_ANSWER_ROWS, initial=4)

    def __init__(self, *args, question_type: str, rows: int = 4, fixed_title: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.question_type = question_type
        self.fixed_title = fixed_title
        if self.is_bound:
            try:
                rows = int(self.data.get("rows", rows))
            except (TypeError, ValueError):
                rows = 4
            if "more_rows" in self.data:
                rows += 3
        self.row_count = max(1, min(rows, MAX_ANSWER_ROWS))
        self.fields["rows"].initial = self.row_count
        if self.is_bound and "more_rows" in self.data:
            self.data = self.data.copy()
            self.data["rows"] = str(self.row_count)
        if fixed_title is not None:
            self.fields["title"].disabled = True
            self.fields["title"].initial = fixed_title
        if question_type == "description":
            del self.fields["general_feedback"]
        if question_type == "truefalse":
            self.fields["correct"] = forms.TypedChoiceField(
                label=_("The right answer"), choices=[("true", _("True")), ("false", _("False"))], coerce=lambda v: v == "true",
                widget=forms.RadioSelect, initial="true",
            )
            self.fields["feedback_true"] = forms.CharField(label=_("Feedback if the student answers “True”"), max_length=5_000, required=False)
            self.fields["feedback_false"] = forms.CharField(label=_("Feedback if the student answers “False”"), max_length=5_000, required=False)
        if question_type == "shortanswer":
            self.fields["accents_count"] = forms.BooleanField(
                label=_("Accents count"), required=False, help_text=_("Unticked (the default): “rarete” earns the credit of “rareté”."))
            self.fields["article_counts"] = forms.BooleanField(
                label=_("A leading article counts"), required=False,
                help_text=_("Unticked (the default): “la rareté”, “rareté” and “une rareté” are the same answer."))
        for n in range(self.row_count):
            if question_type in self.CHOICE_TYPES:
                self.fields[f"answer_{n}_text"] = forms.CharField(
                    label=_("Answer %(n)d") % {"n": n + 1}, max_length=2_000, required=False, widget=_row_widget())
            if question_type == "numerical":
                for part, label in (("value", _("Value")), ("tolerance", _("± tolerance")), ("min", _("or from")), ("max", _("to"))):
                    self.fields[f"answer_{n}_{part}"] = forms.FloatField(
                        label=f"{label} ({n + 1})", required=False, localize=True,
                        widget=_row_widget(inputmode="decimal"))
            if question_type in (*self.CHOICE_TYPES, "numerical"):
                self.fields[f"answer_{n}_weight"] = forms.DecimalField(
                    label=_("Weight %% (%(n)d)") % {"n": n + 1}, required=False, min_value=-100, max_value=100, decimal_places=5,
                    localize=True, widget=_row_widget(inputmode="decimal"))
                self.fields[f"answer_{n}_feedback"] = forms.CharField(
                    label=_("Feedback (%(n)d)") % {"n": n + 1}, max_length=5_000, required=False, widget=_row_widget())
            if question_type == "matching":
                self.fields[f"pair_{n}_stem"] = forms.CharField(
                    label=_("Item %(n)d") % {"n": n + 1}, max_length=2_000, required=False, widget=_row_widget())
                self.fields[f"pair_{n}_answer"] = forms.CharField(
                    label=_("Its match (%(n)d)") % {"n": n + 1}, max_length=2_000, required=False, widget=_row_widget())

    def answer_rows(self):
        """The rows' bound fields, in the order the page shows them."""
        parts = {
            "numerical": ("value", "tolerance", "min", "max", "weight", "feedback"),
            "matching": (),
        }.get(self.question_type, ("text", "weight", "feedback"))
        if self.question_type == "matching":
            return [[self[f"pair_{n}_stem"], self[f"pair_{n}_answer"]] for n in range(self.row_count)]
        if self.question_type not in (*self.CHOICE_TYPES, "numerical"):
            return []
        return [[self[f"answer_{n}_{part}"] for part in parts] for n in range(self.row_count)]

    @classmethod
    def initial_from_question(cls, question) -> tuple[dict, int]:
        """The form's initial values for a stored question (the GIFT → form direction), and its row count."""
        gift = gift_from_question(question)
        initial = {"title": gift.title, "text": gift.text, "text_format": gift.format, "general_feedback": gift.general_feedback}
        if gift.type == "truefalse":
            initial["correct"] = "true" if gift.correct else "false"
            for answer in gift.answers:
                initial[f"feedback_{answer.text}"] = answer.feedback
        for n, answer in enumerate(gift.answers if gift.type != "truefalse" else []):
            initial[f"answer_{n}_weight"] = _weight_percent(answer.fraction)
            initial[f"answer_{n}_feedback"] = answer.feedback
            if gift.type == "numerical":
                if answer.is_range:
                    initial[f"answer_{n}_min"], initial[f"answer_{n}_max"] = answer.min, answer.max
                else:
                    initial[f"answer_{n}_value"], initial[f"answer_{n}_tolerance"] = answer.value, answer.tolerance
            else:
                initial[f"answer_{n}_text"] = answer.text
        for n, (stem, answer) in enumerate(gift.pairs):
            initial[f"pair_{n}_stem"], initial[f"pair_{n}_answer"] = stem, answer
        if gift.type == "shortanswer":
            options = question.data.get("options") or {}
            initial["accents_count"] = not options.get("accent_insensitive", True)
            initial["article_counts"] = not options.get("articles_optional", True)
        used = max(len(gift.answers), len(gift.pairs))
        return initial, min(max(used + 2, 4), MAX_ANSWER_ROWS)

    @staticmethod
    def fits(question) -> bool:
        """Whether the form can show this question whole: a per-answer format marker (« [html] » on one
        choice) or a numerical catch-all has no field here, and the GIFT view edits those."""
        data = question.data or {}
        if data.get("subquestion_formats") or data.get("general_feedback_format"):
            return False
        return not any("format" in a or "feedback_format" in a or a.get("value") == "*" for a in data.get("answers", []))

    def grading_options(self) -> dict | None:
        if "accents_count" not in self.fields:
            return None
        return {
            "accent_insensitive": not self.cleaned_data.get("accents_count"),
            "articles_optional": not self.cleaned_data.get("article_counts"),
        }

    def clean(self):
        cleaned = super().clean()
        if "more_rows" in self.data:
            raise ValidationError(_("Three more rows: fill them in, then preview or save."), code="more_rows")
        if self.errors:
            return cleaned
        kind = self.question_type
        gift = GiftQuestion(
            type=kind, title=(self.fixed_title if self.fixed_title is not None else cleaned.get("title", "")).strip(),
            text=cleaned.get("text", "").strip(), format=cleaned.get("text_format") or "moodle",
            general_feedback=(cleaned.get("general_feedback") or "").strip(),
        )
        for name in [name for name in self.fields if name.endswith(("_text", "_feedback", "_stem", "_answer"))]:
            if "\x00" in (cleaned.get(name) or ""):
                self.add_error(name, _("The text contains NUL characters."))
                return cleaned
        if kind == "truefalse":
            gift.correct = cleaned.get("correct")
            gift.answers = truefalse_answers(gift.correct, (cleaned.get("feedback_true") or "").strip(), (cleaned.get("feedback_false") or "").strip())
        elif kind in self.CHOICE_TYPES:
            default = 100 if kind == "shortanswer" else 0
            for n in range(self.row_count):
                text = (cleaned.get(f"answer_{n}_text") or "").strip()
                if not text:
                    continue
                weight = cleaned.get(f"answer_{n}_weight")
                gift.answers.append(GiftAnswer(
                    text=text, fraction=round(float(default if weight is None else weight) / 100, 7),
                    feedback=(cleaned.get(f"answer_{n}_feedback") or "").strip()))
        elif kind == "numerical":
            for n in range(self.row_count):
                value, tolerance, low, high = (cleaned.get(f"answer_{n}_{part}") for part in ("value", "tolerance", "min", "max"))
                if value is None and low is None and high is None:
                    continue
                weight = cleaned.get(f"answer_{n}_weight")
                answer = GiftAnswer(fraction=round(float(100 if weight is None else weight) / 100, 7),
                                    feedback=(cleaned.get(f"answer_{n}_feedback") or "").strip())
                if value is not None:
                    answer.value, answer.tolerance = value, tolerance or 0.0
                elif low is None or high is None:
                    self.add_error(f"answer_{n}_min" if low is None else f"answer_{n}_max", _("A range needs both ends."))
                    continue
                else:
                    answer.min, answer.max = low, high
                gift.answers.append(answer)
        elif kind == "matching":
            for n in range(self.row_count):
                stem, answer = ((cleaned.get(f"pair_{n}_{part}") or "").strip() for part in ("stem", "answer"))
                if stem and not answer:
                    self.add_error(f"pair_{n}_answer", _("Give this item its match."))
                elif answer:
                    gift.pairs.append((stem, answer))
        if self.errors:
            return cleaned
        try:
            text = write_gift([gift])
        except ValueError as exc:
            raise ValidationError(_("This cannot be written as a question: %(reason)s") % {"reason": exc}) from None
        result = parse_gift(text)
        if result.errors:
            raise ValidationError([gift_error_message(error, with_line=False) for error in result.errors])
        if len(result.questions) != 1:
            raise ValidationError(_("Write the question's text."))
        cleaned["gift"], cleaned["gift_text"] = result.questions[0], text.strip()
        return cleaned


def _weight_percent(fraction: float) -> Decimal:
    # Moodle's precision (33.33333), without trailing zeros ("100", not "100.00000").
    return Decimal(f"{round(fraction * 100, 5):.5f}".rstrip("0").rstrip("."))
