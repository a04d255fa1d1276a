"""Turning the quiz page's form fields into the answers the services take.

Field names: `q-<question id>` (a choice id, several for multiple answers, or
typed text) and `q-<question id>-<stem id>` for each stem of a matching
question. A field naming a question outside the attempt is a tampered form.
"""

from django import forms
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _

from quizzes.services import InvalidSubmission

FIELD_PREFIX = "q-"


def answers_from_post(post) -> dict[str, object]:
    """`{question id: [values]}`, or `{question id: {stem id: value}}` for matching fields.

    Values stay lists here; the attempt service knows each question's type and
    takes the single value of a one-answer question (more than one is a tampered form).
    """
    answers: dict[str, object] = {}
    for name in post.keys():
        if not name.startswith(FIELD_PREFIX):
            continue
        question_id, _sep, stem_id = name[len(FIELD_PREFIX):].partition("-")
        if not question_id.isdigit():
            raise InvalidSubmission(f"unknown field {name!r}")
        if stem_id:
            value = post.get(name, "")
            if value:
                stems = answers.setdefault(question_id, {})
                if not isinstance(stems, dict):
                    raise InvalidSubmission(f"field {name!r} mixes a matching stem with an answer")
                stems[stem_id] = value
        else:
            if question_id in answers:
                raise InvalidSubmission(f"field {name!r} mixes a matching stem with an answer")
            answers[question_id] = post.getlist(name)
    return answers


class EssayGradeForm(forms.Form):
    score = forms.DecimalField(label=_("Score"), min_value=0, decimal_places=3, max_digits=8)
    comment = forms.CharField(label=_("Comment for the student"), required=False, max_length=5_000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, max_points=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_points = max_points
        if max_points is not None:
            # Set per question: the bound depends on the question's points, known only here.
            self.fields["score"].validators.append(MaxValueValidator(max_points))
            self.fields["score"].widget.attrs["max"] = max_points
