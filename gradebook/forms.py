from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from gradebook.computation import letter_scale_from_json
from gradebook.models import GradingScheme


class OverrideForm(forms.Form):
    item = forms.ChoiceField(label=_("Item"))
    value = forms.DecimalField(label=_("Grade (%)"), min_value=Decimal(0), max_value=Decimal(100), decimal_places=2)
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, items: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = items


class ClearOverrideForm(forms.Form):
    item = forms.CharField(max_length=40, widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)


def letter_scale_to_text(scale: list[dict]) -> str:
    return "\n".join(f"{entry['letter']} {entry['min']}" for entry in scale)


# A letter scale has a handful of letters (the default has 11); the bounds keep one form post small.
MAX_LETTERS = 30
MAX_LETTER_SCALE_LENGTH = 1_000


def letter_scale_from_text(text: str) -> list[dict]:
    """ "A+ 90" per line into the stored JSON; ValidationError naming the first bad line."""
    scale = []
    lines = [(number, line.strip()) for number, line in enumerate(text.splitlines(), start=1) if line.strip()]
    if len(lines) > MAX_LETTERS:
        raise ValidationError(_("At most %(max)d letters."), params={"max": MAX_LETTERS})
    for number, line in lines:
        letter, _sep, minimum = line.rpartition(" ")
        try:
            value = Decimal(minimum.replace(",", "."))
        except ArithmeticError:
            value = None
        # "NaN", "sNaN" and "Infinity" are Decimals: only a finite number from 0 to 100 is a minimum.
        if value is None or not value.is_finite() or not 0 <= value <= 100:
            raise ValidationError(
                _("Line %(line)d: write a letter, a space and its minimum from 0 to 100, e.g. “A+ 90”."), params={"line": number}
            )
        scale.append({"letter": letter.strip(), "min": float(value)})
    try:
        letters = letter_scale_from_json(scale)
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc
    return [{"letter": g.letter, "min": int(g.minimum) if g.minimum == int(g.minimum) else float(g.minimum)} for g in letters]


def _percent_field(label, help_text=""):
    return forms.IntegerField(label=label, min_value=0, max_value=100, help_text=help_text)


class GradingSchemeForm(forms.Form):
    quiz_weight = _percent_field(_("Quizzes (%)"))
    participation_weight = _percent_field(_("Discussion participation (%)"))
    reading_weight = _percent_field(_("Lessons read (%)"))
    full_participation_percent = _percent_field(
        _("Credit for answering every prompt (%)"), _("Answering some prompts earns the same share of it.")
    )
    replies_only_percent = _percent_field(_("Credit for replies without a prompt answered (%)"))
    late_penalty_percent = forms.DecimalField(
        label=_("Late penalty (%)"), min_value=Decimal(0), max_value=Decimal(100), decimal_places=2,
        help_text=_("Taken off the score of every late attempt; 0 for none."),
    )
    letter_scale = forms.CharField(
        label=_("Letter scale"), max_length=MAX_LETTER_SCALE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("One letter per line with the minimum total it needs, e.g. “A+ 90”; the lowest one at 0."),
    )

    WEIGHTS = ("quiz_weight", "participation_weight", "reading_weight")

    def __init__(self, *args, extra_weight: int = 0, **kwargs):
        # The weight the course's own categories take (`GradingScheme.extra_weight`): the three share the rest.
        super().__init__(*args, **kwargs)
        self.extra_weight = extra_weight

    @classmethod
    def initial_from(cls, scheme: GradingScheme) -> dict:
        initial = {name: getattr(scheme, name) for name in cls.base_fields if name != "letter_scale"}
        initial["letter_scale"] = letter_scale_to_text(scheme.letter_scale)
        return initial

    def clean_letter_scale(self):
        return letter_scale_from_text(self.cleaned_data["letter_scale"])

    def clean(self):
        cleaned = super().clean()
        weights = [cleaned.get(name) for name in self.WEIGHTS]
        if all(w is not None for w in weights) and sum(weights) + self.extra_weight != 100:
            if self.extra_weight:
                raise ValidationError(
                    _("The weights must add up to 100 (the course's own categories take %(extra)d)."),
                    params={"extra": self.extra_weight},
                )
            raise ValidationError(_("The three weights must add up to 100."))
        return cleaned


MAX_OWN_CATEGORIES = 12


class CategoryWeightsForm(forms.Form):
    """Every category's weight at once: the three automatic ones, the course's own, and one new row."""

    quiz_weight = _percent_field(_("Quizzes (%)"))
    participation_weight = _percent_field(_("Discussion participation (%)"))
    reading_weight = _percent_field(_("Lessons read (%)"))
    new_title = forms.CharField(label=_("New category"), max_length=80, required=False)
    new_weight = forms.IntegerField(label=_("Its weight (%)"), min_value=0, max_value=100, required=False)

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.own = list(categories)[:MAX_OWN_CATEGORIES]
        for category in self.own:
            self.fields[f"title_{category.pk}"] = forms.CharField(label=_("Category"), max_length=80, initial=category.title)
            self.fields[f"weight_{category.pk}"] = forms.IntegerField(
                label=_("Weight (%)"), min_value=0, max_value=100, initial=category.weight
            )
            self.fields[f"remove_{category.pk}"] = forms.BooleanField(label=_("Remove"), required=False)

    def own_rows(self):
        return [
            (category, self[f"title_{category.pk}"], self[f"weight_{category.pk}"], self[f"remove_{category.pk}"])
            for category in self.own
        ]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("new_title", "").strip() and cleaned.get("new_weight") is None:
            self.add_error("new_weight", _("Give the new category a weight."))
        return cleaned

    def wanted(self) -> list:
        """The course's own categories as `grade_categories_save` takes them."""
        from gradebook.services import CategoryWeight

        data = self.cleaned_data
        wanted = [
            CategoryWeight(id=c.pk, title=data[f"title_{c.pk}"], weight=data[f"weight_{c.pk}"])
            for c in self.own if not data.get(f"remove_{c.pk}")
        ]
        if data.get("new_title", "").strip():
            wanted.append(CategoryWeight(title=data["new_title"], weight=data["new_weight"]))
        return wanted


class ManualItemForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120)
    category = forms.ChoiceField(label=_("Category"))
    weight = forms.IntegerField(
        label=_("Weight in its category"), min_value=1, max_value=100, initial=1,
        help_text=_("Relative to the category's other items (a lesson counts 1)."),
    )
    max_points = forms.DecimalField(label=_("Out of (points)"), min_value=Decimal("0.01"), max_digits=7, decimal_places=2, initial=100)
    due_at = forms.DateTimeField(
        label=_("Due"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Optional. Ungraded after this date, the item shows as “to grade”."),
    )

    def __init__(self, *args, categories: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = categories


class GradesImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"), required=False,
        help_text=_("First column “username” (or “email”), then one column per item, titled as the item is."),
    )
    text = forms.CharField(widget=forms.HiddenInput, required=False, max_length=500_000)
