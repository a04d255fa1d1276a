"""The GIFT parser on hostile files (issue 20): unusual code points parse or are refused with their
line, and one file or one question cannot ask for unbounded work (answers, questions, text)."""

from quizzes.gift import parse_gift
from quizzes.gift.parser import MAX_ANSWERS, MAX_QUESTION_LENGTH, MAX_QUESTIONS


def every_private_use_character() -> str:
    planes = [range(0xE000, 0xF900), range(0xF0000, 0xFFFFE), range(0x100000, 0x10FFFE)]
    return "".join(chr(code) for plane in planes for code in plane)


def test_a_file_using_every_private_use_character_still_parses_its_escapes():
    text = "// " + every_private_use_character() + "\n\n::Q:: Un \\{ littéral\\} et \\= \\~ \\# \\: {=oui\\: sûr ~non}\n"
    result = parse_gift(text)
    assert result.errors == []
    question = result.questions[0]
    assert question.text == "Un { littéral} et = ~ # :"
    assert [answer.text for answer in question.answers] == ["oui: sûr", "non"]


def test_private_use_characters_in_texts_are_kept_as_they_are():
    result = parse_gift("Caractère \ue000 privé {=\U000f0000 ~b}")
    assert result.errors == [] and "\ue000" in result.questions[0].text and result.questions[0].answers[0].text == "\U000f0000"


def test_a_question_with_more_answers_than_the_bound_is_refused_on_its_line():
    answers = " ".join(f"~{n}" for n in range(MAX_ANSWERS))
    result = parse_gift(f"Première {{=a ~b}}\n\nTrop {{=ok {answers}}}\n")
    assert [(e.line, "at most" in e.message) for e in result.errors] == [(3, True)]
    assert str(MAX_ANSWERS) in result.errors[0].message

    at_bound = " ".join(f"~{n}" for n in range(MAX_ANSWERS - 1))
    assert parse_gift(f"Juste {{=ok {at_bound}}}").errors == []


def test_too_many_matching_pairs_or_numerical_answers_are_refused_too():
    pairs = " ".join(f"=q{n} -> a{n}" for n in range(MAX_ANSWERS + 1))
    numbers = " ".join(f"~{n}" for n in range(MAX_ANSWERS + 1))
    short = " ".join(f"={n}" for n in range(MAX_ANSWERS + 1))
    for body in (pairs, "#=1 " + numbers, short):
        errors = parse_gift(f"Q {{{body}}}").errors
        assert len(errors) == 1 and errors[0].line == 1 and str(MAX_ANSWERS) in errors[0].message, body[:20]


def test_a_file_with_more_questions_than_the_bound_is_refused_at_the_first_question_over():
    text = "\n\n".join(f"Q{n} {{T}}" for n in range(MAX_QUESTIONS + 3))
    result = parse_gift(text)
    assert len(result.errors) == 1 and str(MAX_QUESTIONS) in result.errors[0].message
    assert result.errors[0].line == 2 * MAX_QUESTIONS + 1  # questions are two lines apart
    assert parse_gift("\n\n".join(f"Q{n} {{T}}" for n in range(MAX_QUESTIONS))).errors == []


def test_an_over_long_question_is_refused_on_its_line():
    result = parse_gift("Court {T}\n\n" + "x" * MAX_QUESTION_LENGTH + " {T}")
    assert [e.line for e in result.errors] == [3] and str(MAX_QUESTION_LENGTH) in result.errors[0].message.replace(",", "")


def test_a_text_using_every_placeholder_candidate_is_refused_with_its_line():
    from quizzes.gift.parser import _PLACEHOLDER_CANDIDATES

    everything = "".join(chr(code) for plane in _PLACEHOLDER_CANDIDATES for code in plane)
    result = parse_gift("Q {T}\n\n// " + everything + "\n")
    assert result.questions == [] and [e.line for e in result.errors] == [3]
