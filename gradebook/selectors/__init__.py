"""Reads for the gradebook, split by concern; every public name stays importable from here.

* `frame`: what the course asks (scheme, lessons, due dates) and its fingerprint;
* `computed`: standings computed from the students' work (`gradebook_rows`, the reference);
* `standings`: the kept standings, sorted, filtered and paged by the database (`gradebook_page`),
  streamed for the CSV (`gradebook_stream`), and `students_at_risk`;
* `activity`: the one "last activity" rule, shared with the reminders;
* `student`: one student (`student_standing`, enrolment, posts, overrides);
* `statistics`: quiz statistics;
* `sorting`: the folded name order and search text.
"""

from gradebook.selectors.activity import INACTIVE_AFTER, activity_annotations, idle_since_annotation, last_activity_of
from gradebook.selectors.computed import (
    AT_RISK_BELOW,
    ATTEMPT_FIELDS,
    Gradebook,
    RiskReason,
    StudentRow,
    build_student_grade,
    gradebook_rows,
    risk_reasons,
)
from gradebook.selectors.frame import (
    GradebookFrame,
    LessonColumn,
    ManualColumn,
    frame_fingerprint,
    student_fingerprint,
    gradebook_frame,
    grading_scheme_for,
    manual_columns_for,
    scheme_from_record,
)
from gradebook.selectors.standings import (
    GradebookPage,
    grade_from_standing,
    gradebook_page,
    gradebook_stream,
    gradebook_values_stream,
    standing_totals,
    students_at_risk,
)
from gradebook.selectors.statistics import quiz_statistics_for
from gradebook.selectors.student import (
    StudentStanding,
    override_history,
    student_enrollment,
    student_posts,
    student_standing,
)

__all__ = [
    "AT_RISK_BELOW", "ATTEMPT_FIELDS", "INACTIVE_AFTER",
    "Gradebook", "GradebookFrame", "GradebookPage", "LessonColumn", "ManualColumn", "manual_columns_for", "standing_totals",
    "RiskReason", "StudentRow", "StudentStanding",
    "activity_annotations", "build_student_grade", "frame_fingerprint", "student_fingerprint", "grade_from_standing",
    "gradebook_frame", "gradebook_page", "gradebook_rows", "gradebook_stream", "gradebook_values_stream", "grading_scheme_for", "idle_since_annotation",
    "last_activity_of", "override_history", "quiz_statistics_for", "risk_reasons", "scheme_from_record",
    "student_enrollment", "student_posts", "student_standing", "students_at_risk",
]
