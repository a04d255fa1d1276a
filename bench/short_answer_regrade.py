"""What issue 22's short-answer normaliser changes in grades: the old grader against the new one, on the same answers.

Run by hand (prints figures, asserts nothing), from the checkout:

    .venv/bin/python bench/short_answer_regrade.py            # BENCH_STUDENTS=30 by default

1. The demo attempts: a scratch SQLite file gets the course from seeds/ and `seed_demo`, then every stored
   answer is graded by the grader of `main` (read with `git show`) and by this checkout's. Each change is
   listed, and must be an answer that was wrongly 0 (old 0, new > 0).
2. The answers students type: the accepted and refused lists of tests/quizzes/test_shipped_quiz_content.py,
   graded by the old grader on the old quizzes and by the new grader on the new ones.
"""

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
STUDENTS = int(os.environ.get("BENCH_STUDENTS", "30"))
BASE = os.environ.get("BENCH_BASE", "main")
SCRATCH = ROOT / "var" / "bench-short-answers.sqlite3"


def old_module(path: str, name: str):
    source = subprocess.run(["git", "show", f"{BASE}:{path}"], cwd=ROOT, check=True, capture_output=True, text=True).stdout
    spec = importlib.util.spec_from_loader(name, loader=None)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the class is built
    exec(compile(source, f"{BASE}:{path}", "exec"), module.__dict__)
    return module


def old_gift(stem: str) -> str:
    return subprocess.run(
        ["git", "show", f"{BASE}:seeds/{stem}.gift"], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout


def main() -> None:
    SCRATCH.parent.mkdir(exist_ok=True)
    SCRATCH.unlink(missing_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{SCRATCH}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coursesite.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from quizzes import grading as new_grading
    from quizzes.gift.parser import parse_gift
    from quizzes.models import Response

    old_grading = old_module("quizzes/grading.py", "old_grading")

    call_command("migrate", verbosity=0)
    call_command("import_course", str(ROOT / "seeds"), verbosity=0)
    call_command("seed_demo", "--students", str(STUDENTS), verbosity=0)

    responses = Response.objects.filter(attempt__status="submitted").select_related("question", "attempt")
    graded = changed = wrongly_zero = 0
    by_type: dict[str, int] = {}
    for response in responses:
        question = response.question
        if question.type in ("essay", "description"):
            continue
        view = {"type": question.type, **question.data}
        old = old_grading.grade_response(view, response.answer).fraction or 0
        new = new_grading.grade_response(view, response.answer).fraction or 0
        graded += 1
        by_type[question.type] = by_type.get(question.type, 0) + 1
        if old != new:
            changed += 1
            wrongly_zero += old == 0 and new > 0
            print(f"  changed: {question.title!r} answer {response.answer!r}: {old} -> {new}")
    print(f"1. Demo attempts ({STUDENTS} students): {graded} graded answers {by_type}")
    print(f"   scores changed by the new normaliser: {changed}, of which wrongly 0 before: {wrongly_zero}")

    from tests.quizzes.test_shipped_quiz_content import SHORT_ANSWERS

    rows = []
    for (stem, title), (own, variants, wrong) in sorted(SHORT_ANSWERS.items()):
        old_question = next(q for q in parse_gift(old_gift(stem)).questions if q.title == title)
        new_question = next(q for q in parse_gift((ROOT / "seeds" / f"{stem}.gift").read_text()).questions if q.title == title)
        old_view = {"type": "shortanswer", **old_question.to_json()}
        new_view = {"type": "shortanswer", **new_question.to_json()}
        right = own + variants
        old_right = sum(old_grading.grade_response(old_view, typed).fraction == 1 for typed in right)
        new_right = sum(new_grading.grade_response(new_view, typed).fraction == 1 for typed in right)
        old_wrong = sum((old_grading.grade_response(old_view, typed).fraction or 0) > 0 for typed in wrong)
        new_wrong = sum((new_grading.grade_response(new_view, typed).fraction or 0) > 0 for typed in wrong)
        rows.append((title, len(right), old_right, new_right, len(wrong), old_wrong, new_wrong))
        refused = [t for t in right if old_grading.grade_response(old_view, t).fraction != 1]
        print(f"   {title}: refused by the old grader on the old quiz: {refused!r}")
    print("2. Typed answers (accepted lists / refused lists of the content test):")
    print(f"   {'question':32} {'right':>5} {'old ok':>6} {'new ok':>6} {'wrong':>5} {'old cr':>6} {'new cr':>6}")
    for row in rows:
        print(f"   {row[0][:32]:32} {row[1]:>5} {row[2]:>6} {row[3]:>6} {row[4]:>5} {row[5]:>6} {row[6]:>6}")
    total = [sum(row[i] for row in rows) for i in range(1, 7)]
    print(f"   {'total':32} {total[0]:>5} {total[1]:>6} {total[2]:>6} {total[3]:>5} {total[4]:>6} {total[5]:>6}")
    print("   (ok: full credit; cr: any credit given to a wrong answer)")


if __name__ == "__main__":
    main()
