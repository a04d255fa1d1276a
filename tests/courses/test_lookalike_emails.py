"""Look-alike addresses in CSV enrolment (issue 20): a domain mixing alphabets (a Cyrillic « а » in a
Latin name) or written in punycode is flagged on its line and needs an explicit confirmation."""

import pytest
from django.core.exceptions import ValidationError

from courses.models import Enrollment
from courses.services import email_looks_alike, enrollments_bulk_create_from_csv

CYRILLIC_A = "\u0430"


@pytest.mark.parametrize("email, flagged", [
    ("anne@example.org", False),
    ("anne.roy@umontreal.ca", False),
    (f"anne@ex{CYRILLIC_A}mple.org", True),
    ("anne@xn--exmple-4nf.org", True),
    ("anne@école.example", False),  # accents are Latin letters: one alphabet
    ("anne@пример.рф", False),  # one alphabet, not a look-alike
])
def test_mixed_alphabets_and_punycode_are_look_alikes(email, flagged):
    assert email_looks_alike(email) is flagged


def test_a_look_alike_line_is_refused_with_its_line_unless_confirmed(course):
    text = f"bob@example.org,Bob,Roy\nanne@ex{CYRILLIC_A}mple.org,Anne,Roy\n"
    with pytest.raises(ValidationError) as refused:
        enrollments_bulk_create_from_csv(course=course, csv_text=text)
    assert refused.value.messages[0].startswith("Ligne 2") and "mélange des alphabets" in refused.value.messages[0]
    assert not Enrollment.objects.filter(course=course, user__email="bob@example.org").exists()

    enrollments_bulk_create_from_csv(course=course, csv_text=text, allow_look_alikes=True)
    assert Enrollment.objects.filter(course=course, user__email=f"anne@ex{CYRILLIC_A}mple.org").exists()
