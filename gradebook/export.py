"""The gradebook as CSV, produced a chunk of students at a time, in two layouts.

`MOODLE`: Moodle's grade-export layout. The column names are Moodle's ("First name", …,
"Quiz: <title> (Real)", "Manual item: <title> (Real)", "Course total (Real)", "Course total
(Letter)") and stay in English whatever the interface language: they are a file format that scripts
and Moodle's import map by name, not text for people to read.

`FRENCH`: the same grades for a spreadsheet set to French (Excel, LibreOffice fr-CA): semicolons,
decimal commas, French headers, an empty cell where there is no grade; UTF-8 with a BOM as well.

Quiz, participation and reading cells are percentages; a manual item's cell is its points (Moodle's
"Real"), the maximum in its header for the French layout.
"""

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Layout:
    delimiter: str
    decimal: str
    no_grade: str
    identity: tuple[str, ...]
    item_prefix: dict
    lesson_item: str  # "{prefix}: {title} (Real)"
    manual_item: str  # with {title} and {max}
    total: str
    letter: str


MOODLE = Layout(
    delimiter=",", decimal=".", no_grade=NO_GRADE, identity=tuple(IDENTITY_COLUMNS), item_prefix=ITEM_PREFIX,
    lesson_item="{prefix}: {title} (Real)", manual_item="Manual item: {title} (Real)",
    total="Course total (Real)", letter="Course total (Letter)",
)
FRENCH = Layout(
    delimiter=";", decimal=",", no_grade="",
    identity=("Prénom", "Nom", "Nom d’utilisateur", "Établissement", "Groupe", "Adresse courriel"),
    item_prefix={Category.QUIZ: "Test", Category.PARTICIPATION: "Participation", Category.READING: "Lecture"},
    lesson_item="{prefix} : {title} (%)", manual_item="{title} (sur {max})",
    total="Total du cours (%)", letter="Total du cours (lettre)",
)


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


def _number(value: Decimal | None, layout: Layout = MOODLE) -> str:
    if value is None:
        return layout.no_grade
    text = f"{value:.2f}"
    return text.replace(".", layout.decimal) if layout.decimal != "." else text


def _formatter(layout: Layout):
    """Stored item values (exact decimal text) as the file shows them; a class repeats few values, so each is
    formatted once."""
    cache: dict = {None: layout.no_grade}

    def number(text: str | None) -> str:
        shown = cache.get(text)
        if shown is None:
            shown = cache[text] = _number(Decimal(text), layout)
        return shown

    return number


def _max_points(value: Decimal, layout: Layout) -> str:
    text = format(value.normalize(), "f")
    return text.replace(".", layout.decimal)


def gradebook_csv_chunks(*, course: Course, frame=None, now=None, layout: Layout = MOODLE) -> Iterator[str]:
    """The BOM and header first, then the rows of STUDENTS_PER_CHUNK students per chunk (from the kept standings,
    which the caller brought up to date: pass the frame `standings_fresh_frame` returned)."""
    frame, students = gradebook_values_stream(course=course, frame=frame, now=now)
    number = _formatter(layout)
    writer = csv.writer(_Line(), delimiter=layout.delimiter)
    keys, headers = [], []  # keys: (item key, index of the exported figure in the stored item)
    for column in frame.columns:
        present = {category for category, _key in column.cells()}
        for category in EXPORT_ORDER:
            if category in present:
                keys.append((f"{category.value}:{column.lesson_id}", 1))
                headers.append(_text(layout.lesson_item.format(prefix=layout.item_prefix[category], title=column.lesson.title)))
    for manual in frame.manual_columns:
        keys.append((manual.key, 7))  # a manual item's points, as entered
        headers.append(_text(layout.manual_item.format(title=manual.title, max=_max_points(manual.max_points, layout))))
    yield BOM + writer.writerow([*layout.identity, *headers, layout.total, layout.letter])
    no_grade = layout.no_grade
    chunk = []
    for first_name, last_name, username, group, email, items, total, letter in students:
        values = [number(items[key][index]) if key in items else no_grade for key, index in keys]
        chunk.append(
            writer.writerow(
                # Moodle's "Department" carries the enrolment's group (section), which is what it is used for.
                [_text(first_name), _text(last_name), _text(username), "", _text(group), _text(email),
                 *values, _number(total, layout), _text(letter) if letter else no_grade]
            )
        )
        if len(chunk) >= STUDENTS_PER_CHUNK:
            yield "".join(chunk)
            chunk = []
    if chunk:
        yield "".join(chunk)
