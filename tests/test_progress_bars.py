"""Long commands draw a progress bar on a terminal and nothing else anywhere else (pipes, logs, tests)."""

import io

import pytest
from django.core.management import call_command

from tests.gradebook.builders import course_with_lessons, student

pytestmark = pytest.mark.django_db


class Terminal(io.StringIO):
    def isatty(self):
        return True


@pytest.fixture
def course():
    course, _instructor, _lessons = course_with_lessons(lessons=1)
    for _ in range(3):
        student(course)
    return course


def test_rebuild_standings_prints_only_its_result_when_not_on_a_terminal(course):
    out = io.StringIO()
    call_command("rebuild_standings", "--course", course.slug, stdout=out)
    assert out.getvalue() == f"{course.slug}: 3 standings rebuilt\n"


def test_rebuild_standings_draws_a_bar_of_students_on_a_terminal(course):
    out = Terminal()
    call_command("rebuild_standings", "--course", course.slug, stdout=out)
    drawn = out.getvalue()
    assert "0/3 [" in drawn and "students/s" in drawn  # the bar (cleared when done: leave=False)
    assert drawn.endswith(f"{course.slug}: 3 standings rebuilt\n")
