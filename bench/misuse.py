"""What hostile input costs before and after the issue-20 bounds (run by hand; prints figures).

    .venv/bin/python bench/misuse.py

Times (CPU of this process, best of 3) the French typography on runs of spaces, Markdown on
brackets that never close, the GIFT parser on a question with the maximum of answers, and
short-answer grading on a long answer; each at 1x and 10x, with the ratio (10 = linear).
"""

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coursesite.settings")


def best(function, argument, runs=3) -> float:
    times = []
    for _ in range(runs):
        started = time.process_time()
        function(argument)
        times.append(time.process_time() - started)
    return min(times)


def main():
    import django

    django.setup()
    from discussions.rendering import render_markdown
    from lessons.typography import french_typography, french_typography_html
    from quizzes.gift import parse_gift
    from quizzes.grading import grade_response

    question = {"type": "shortanswer", "answers": [{"id": "a", "text": "rareté", "fraction": 1.0}]}
    cases = [
        ("typography, spaces", french_typography, lambda n: "a" + " " * n + "b", 3_000),
        ("typography html, '<'", french_typography_html, lambda n: "<" * n, 3_000),
        ("markdown, '['", render_markdown, lambda n: "[" * n, 1_000),
        ("markdown, '<a '", render_markdown, lambda n: "<a " * (n // 3), 1_000),
        ("markdown, nested '>'", render_markdown, lambda n: ">" * (n // 2) + "a" * (n // 2), 1_000),
        ("gift, answers", parse_gift, lambda n: "Q {=a " + " ".join(f"~{i}" for i in range(n // 10)) + "}", 1_000),
        ("short answer", lambda text: grade_response(question, text), lambda n: "rareté " * (n // 7), 1_000),
    ]
    print(f"{'case':28} {'1x size':>8} {'1x ms':>9} {'10x ms':>9} {'ratio':>6}")
    for name, function, make, size in cases:
        small, large = best(function, make(size)), best(function, make(size * 10))
        print(f"{name:28} {size:8d} {small * 1000:9.2f} {large * 1000:9.2f} {large / max(small, 1e-6):6.1f}")


if __name__ == "__main__":
    main()
