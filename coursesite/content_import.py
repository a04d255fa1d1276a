"""The course import, composed from each app's own import service in one transaction.

It spans apps (lessons, the quizzes and the prompt threads that belong to
lessons), so it lives above them: an error in the last GIFT file leaves no
lesson half-imported.
"""

from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from courses.selectors import course_lead_instructor
from coursesite.progress import Progress, progress_none
from discussions.services import prompt_threads_sync
from lessons.seed_documents import SeedFileError
from lessons.services import ImportReport, course_import
from quizzes.services import GiftImportError, QuizImportReport, quiz_import_gift


@dataclass
class ContentImportReport:
    lessons: ImportReport
    quizzes: dict[str, QuizImportReport] = field(default_factory=dict)


@transaction.atomic
def course_content_import(
    *, directory: Path, force: bool = False, progress: Progress = progress_none
) -> ContentImportReport:
    """Import the course, its lessons and their quizzes from a seed folder; raises SeedFileError.

    Lessons edited in the site are left alone (reported in `lessons.skipped`) unless `force`. `progress` is told
    of the lessons once imported (their count) and of each quiz then.
    """
    report = ContentImportReport(lessons=course_import(directory=directory, force=force))
    progress(len(report.lessons.created) + len(report.lessons.updated) + len(report.lessons.unchanged))
    instructor = course_lead_instructor(course=report.lessons.course)
    for lesson in report.lessons.course.lessons.all():
        prompt_threads_sync(lesson=lesson, author=instructor)
    for lesson, gift_path in report.lessons.quiz_sources:
        try:
            text = gift_path.read_text(encoding="utf-8-sig")
            report.quizzes[lesson.slug] = quiz_import_gift(lesson=lesson, text=text)
            progress(1)
        except GiftImportError as exc:
            raise SeedFileError(gift_path, "questions", str(exc)) from exc
        except UnicodeDecodeError as exc:
            raise SeedFileError(gift_path, "file", "not UTF-8 text") from exc
    return report
