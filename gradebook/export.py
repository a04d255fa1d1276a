"""The gradebook as CSV in Moodle's grade-export layout, produced a chunk of students at a time.

The column names are Moodle's ("First name", …, "Quiz: <title> (Real)",
"Course total (Real)", "Course total (Letter)") and stay in English whatever
the interface language: they are a file format that scripts and Moodle's
import map by name, not text for people to read.
"""

import csv
import re
from collections.abc import Iterator
from decimal import Decimal

from courses.models import Course
from gradebook.computation import Category
from gradebook.selectors import gradebook_values_stream

BOM = "\ufeff"  # Excel reads UTF-8 (and so the accents) only when the file starts with it
STUDENTS_PER_CHUNK = 100
NO_GRADE = "-"  # Moodle's mark for "no grade yet"
IDENTITY_COLUMNS = ["First name", "Last name", "ID number", "Institution", "Department", "Email address"]
ITEM_PREFIX = {Category.QUIZ: "Quiz", Category.PARTICIPATION: "Participation", Category.READING: "Reading"}
# Moodle lists a lesson's quiz first; participation and reading follow it.
EXPORT_ORDER = (Category.QUIZ, Category.PARTICIPATION, Category.READING)


class _Line:
    """A file-like object whose write() hands back the line: csv.writer then formats one row at a time."""

    def write(self, value: str) -> str:
        return value


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
# A spreadsheet may split a cell wherever a separator appears, whatever the CSV quoting says: Excel in
# French locales splits on ";". So a formula start after any separator (and spaces) is neutralised too.
_FORMULA_AFTER_SEPARATOR = re.compile(r"([,;\t\r\n][ \u00a0\u202f]*)(?=[=+\-@])")


def _text(value: str) -> str:
    """A name typed as "=HYPERLINK(…)", or "x;=HYPERLINK(…)", stays text in a spreadsheet, not a formula."""
    value = _FORMULA_AFTER_SEPARATOR.sub(r"\1'", value)
    return f"'{value}" if value[:1] in FORMULA_STARTS else value


def _number(value: Decimal | None) -> str:
    return NO_GRADE if value is None else f"{value:.2f}"


def _formatter():
    """Stored item values (exact decimal text) as the file shows them; a class repeats few values, so each is
    formatted once."""
    cache: dict = {None: NO_GRADE}

    def number(text: str | None) -> str:
        shown = cache.get(text)
        if shown is None:
            shown = cache[text] = _number(Decimal(text))
        return shown

    return number


def gradebook_csv_chunks(*, course: Course, frame=None, now=None) -> Iterator[str]:
    """The BOM and header first, then the rows of STUDENTS_PER_CHUNK students per chunk (from the kept standings,
    which the caller brought up to date: pass the frame `standings_fresh_frame` returned)."""
    frame, students = gradebook_values_stream(course=course, frame=frame, now=now)
    number = _formatter()
    writer = csv.writer(_Line())
    keys, headers = [], []
    for column in frame.columns:
        present = {category for category, _key in column.cells()}
        for category in EXPORT_ORDER:
            if category in present:
                keys.append(f"{category.value}:{column.lesson_id}")
                headers.append(_text(f"{ITEM_PREFIX[category]}: {column.lesson.title} (Real)"))
    yield BOM + writer.writerow([*IDENTITY_COLUMNS, *headers, "Course total (Real)", "Course total (Letter)"])
    chunk = []
    for first_name, last_name, username, group, email, items, total, letter in students:
        values = [number(items[key][1]) if key in items else NO_GRADE for key in keys]
        chunk.append(
            writer.writerow(
                # Moodle's "Department" carries the enrolment's group (section), which is what it is used for.
                [_text(first_name), _text(last_name), _text(username), "", _text(group), _text(email),
                 *values, _number(total), _text(letter) if letter else NO_GRADE]
            )
        )
        if len(chunk) >= STUDENTS_PER_CHUNK:
            yield "".join(chunk)
            chunk = []
    if chunk:
        yield "".join(chunk)
