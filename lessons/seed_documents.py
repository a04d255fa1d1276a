"""Reading the course's seed folder: the seed texts and their companion files.

Pure functions with no database access, so that the whole folder is checked
before the import writes anything. Layout of the folder:

    course.yml              the course (slug, title, description, dates)
    <name>.txt              a seed document, kept byte for byte as received
    <name>.yml              its companion: title, author, prompts, furniture, instructor_note…
    <name>.gift             optional: the lesson's quiz in Moodle's GIFT format
"""

import datetime
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from coursesite.errors import ActionRefused

COURSE_FILE = "course.yml"

# Lines that start a list item in the seeds: dashes and bullets, or "1." numbering.
BULLET_RE = re.compile(r"^[–—•\-]\s*")
NUMBERED_RE = re.compile(r"^(\d{1,2})\.\s+")
WHITESPACE_RE = re.compile(r"\s+")


class SeedFileError(ActionRefused):
    """A seed or companion file that cannot be imported; names the file and the field."""

    def __init__(self, path: Path, field_name: str, message: str):
        self.path = path
        self.field_name = field_name
        self.message = message
        super().__init__(f"{path.name}: field “{field_name}”: {message}")


@dataclass(frozen=True)
class CourseDocument:
    slug: str
    title: str
    description: str
    starts_on: datetime.date | None
    ends_on: datetime.date | None


@dataclass(frozen=True)
class PromptDocument:
    title: str
    body: str


@dataclass(frozen=True)
class LessonDocument:
    source_key: str
    slug: str
    position: int
    title: str
    author: str
    source: str
    published_on: datetime.date | None
    summary: str
    objectives: list[str]
    instructor_note: list[str]
    prompts: list[PromptDocument]
    blocks: list[dict]
    word_count: int
    gift_path: Path | None = field(default=None)


def clean_line(line: str) -> str:
    """A seed line without its surrounding spaces, non-breaking ones included, inner runs folded."""
    return WHITESPACE_RE.sub(" ", line.replace("\u00a0", " ")).strip()


def text_to_blocks(text: str, *, headings: list[str], furniture: list[str]) -> list[dict]:
    """Split a seed text into headings, paragraphs and lists, leaving out the furniture lines.

    Every non-empty line of the seeds is a paragraph of its own (the articles
    were pasted from web pages, one paragraph a line); consecutive list items
    of the same kind form one list.
    """
    heading_set = {clean_line(h) for h in headings}
    furniture_set = {clean_line(f) for f in furniture}
    blocks: list[dict] = []
    for raw in text.splitlines():
        line = clean_line(raw)
        if not line or line in furniture_set:
            continue
        if line in heading_set:
            blocks.append({"kind": "heading", "text": line})
            continue
        numbered = NUMBERED_RE.match(line)
        bullet = BULLET_RE.match(line)
        if numbered or bullet:
            ordered = bool(numbered)
            item = line[(numbered or bullet).end():].strip()
            previous = blocks[-1] if blocks else None
            if previous and previous["kind"] == "list" and previous["ordered"] == ordered:
                previous["items"].append(item)
            else:
                blocks.append(
                    {"kind": "list", "ordered": ordered, "start": int(numbered.group(1)) if numbered else 1, "items": [item]}
                )
            continue
        blocks.append({"kind": "paragraph", "text": line})
    return blocks


def blocks_word_count(blocks: list[dict]) -> int:
    words = 0
    for block in blocks:
        texts = block["items"] if block["kind"] == "list" else [block["text"]]
        words += sum(len(t.split()) for t in texts)
    return words


def _load_yaml(path: Path) -> dict:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "file"
        raise SeedFileError(path, where, f"invalid YAML ({getattr(exc, 'problem', exc)})") from exc
    except UnicodeDecodeError as exc:
        raise SeedFileError(path, "file", "not UTF-8 text") from exc
    if not isinstance(data, dict):
        raise SeedFileError(path, "file", "expected a mapping of fields")
    return data


def _text(path: Path, data: dict, name: str, *, required: bool = True, max_length: int | None = None) -> str:
    value = data.get(name)
    if value is None:
        if required:
            raise SeedFileError(path, name, "missing")
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise SeedFileError(path, name, "expected non-empty text")
    value = value.strip()
    if max_length and len(value) > max_length:
        raise SeedFileError(path, name, f"longer than {max_length} characters")
    return value


def _date(path: Path, data: dict, name: str) -> datetime.date | None:
    value = data.get(name)
    if value is None:
        return None
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError as exc:
        raise SeedFileError(path, name, f"“{value}” is not a date (YYYY-MM-DD)") from exc


def _text_list(path: Path, data: dict, name: str, *, minimum: int, maximum: int | None = None) -> list[str]:
    value = data.get(name)
    if value is None:
        raise SeedFileError(path, name, "missing")
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise SeedFileError(path, name, "expected a list of non-empty texts")
    if len(value) < minimum or (maximum is not None and len(value) > maximum):
        bound = f"{minimum} to {maximum}" if maximum is not None else f"at least {minimum}"
        raise SeedFileError(path, name, f"expected {bound} entries, found {len(value)}")
    return [v.strip() for v in value]


def load_course(directory: Path) -> CourseDocument:
    path = directory / COURSE_FILE
    if not path.is_file():
        raise SeedFileError(path, "file", "missing")
    data = _load_yaml(path)
    slug = _text(path, data, "slug", max_length=80)
    if not re.fullmatch(r"[a-z0-9-]+", slug):
        raise SeedFileError(path, "slug", "use lowercase letters, digits and hyphens only")
    return CourseDocument(
        slug=slug,
        title=_text(path, data, "title", max_length=200),
        description=_text(path, data, "description", required=False),
        starts_on=_date(path, data, "starts_on"),
        ends_on=_date(path, data, "ends_on"),
    )


def load_lesson(text_path: Path) -> LessonDocument:
    companion = text_path.with_suffix(".yml")
    if not companion.is_file():
        raise SeedFileError(companion, "file", f"missing companion file for {text_path.name}")
    data = _load_yaml(companion)
    slug = _text(companion, data, "slug", max_length=80)
    if not re.fullmatch(r"[a-z0-9-]+", slug):
        raise SeedFileError(companion, "slug", "use lowercase letters, digits and hyphens only")
    position = data.get("order")
    if not isinstance(position, int) or isinstance(position, bool) or position < 1:
        raise SeedFileError(companion, "order", "expected a whole number from 1")
    summary = _text(companion, data, "summary")
    objectives = _text_list(companion, data, "objectives", minimum=3, maximum=5)
    # Optional: paragraphs shown on the lesson page as the instructor's own words, not the author's.
    instructor_note = _text_list(companion, data, "instructor_note", minimum=1) if "instructor_note" in data else []
    raw_prompts = data.get("prompts")
    if not isinstance(raw_prompts, list) or len(raw_prompts) < 3:
        raise SeedFileError(companion, "prompts", "expected a list of at least 3 prompts")
    prompts = []
    for index, raw in enumerate(raw_prompts, start=1):
        if not isinstance(raw, dict):
            raise SeedFileError(companion, f"prompts[{index}]", "expected title and body")
        prompts.append(
            PromptDocument(
                title=_text(companion, raw, "title", max_length=200).strip(),
                body=_text(companion, raw, "body"),
            )
        )
    headings = data.get("headings") or []
    furniture = data.get("furniture") or []
    try:
        text = text_path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise SeedFileError(text_path, "file", "not UTF-8 text") from exc
    lines = {clean_line(line) for line in text.splitlines()}
    for name, entries in (("headings", headings), ("furniture", furniture)):
        if not isinstance(entries, list) or not all(isinstance(e, str) for e in entries):
            raise SeedFileError(companion, name, "expected a list of lines")
        for entry in entries:
            if clean_line(entry) not in lines:
                raise SeedFileError(companion, name, f"line not found in {text_path.name}: “{entry[:60]}”")
    blocks = text_to_blocks(text, headings=headings, furniture=furniture)
    if not blocks:
        raise SeedFileError(text_path, "file", "no text left once the furniture is removed")
    gift_path = text_path.with_suffix(".gift")
    return LessonDocument(
        source_key=text_path.stem,
        slug=slug,
        position=position,
        title=_text(companion, data, "title", max_length=300),
        author=_text(companion, data, "author", required=False, max_length=200),
        source=_text(companion, data, "source", required=False, max_length=300),
        published_on=_date(companion, data, "published"),
        summary=summary,
        objectives=objectives,
        instructor_note=instructor_note,
        prompts=prompts,
        blocks=blocks,
        word_count=blocks_word_count(blocks),
        gift_path=gift_path if gift_path.is_file() else None,
    )


def load_seed_folder(directory: Path) -> tuple[CourseDocument, list[LessonDocument]]:
    """Read and check the whole folder; raises SeedFileError before anything is written."""
    directory = Path(directory)
    if not directory.is_dir():
        raise SeedFileError(directory, "folder", "not a folder")
    course = load_course(directory)
    lessons = [load_lesson(path) for path in sorted(directory.glob("*.txt"))]
    if not lessons:
        raise SeedFileError(directory, "folder", "no seed document (*.txt)")
    for attribute, label in (("slug", "slug"), ("position", "order")):
        seen: dict = {}
        for lesson in lessons:
            value = getattr(lesson, attribute)
            if value in seen:
                raise SeedFileError(
                    directory / f"{lesson.source_key}.yml", label, f"“{value}” is also used by {seen[value]}.yml"
                )
            seen[value] = lesson.source_key
    return course, lessons
