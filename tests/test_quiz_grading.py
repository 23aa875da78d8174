"""Quiz grading: a learner's rounded or fractional answer is right, a real slip is wrong, the
"not a number" hint names no answer, and the expression reader refuses hostile text quickly.

The content tests run over every numeric question of the built-in course, so a new question is
checked the day it is written."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from tutor.course import ContentError, QuizQuestion, load_course
from tutor.course.loader import load_lesson
from tutor.course.model import DEFAULT_QUIZ_RTOL, strip_verdict
from tutor.course.numbers import NUMBER_EXAMPLES, NUMBER_PROMPT, NotANumber, parse_number

COURSE = load_course()
NUMERIC = [(lesson, index, q) for lesson in COURSE.lessons
           for index, q in enumerate(lesson.quiz) if not q.is_choice]
IDS = [f"{lesson.id}-q{index + 1}" for lesson, index, _ in NUMERIC]
#: the counts: questions that take the exact number only (`rtol = 0`)
EXACT = [(lesson, index, q) for lesson, index, q in NUMERIC if q.rtol == 0]


def _three_significant(value: float) -> str:
    """The answer as a learner who rounds to three significant figures types it."""
    return f"{value:.3g}"


def _question(lesson_id: str, words: str) -> QuizQuestion:
    lesson = COURSE.lesson(lesson_id)
    found = [q for q in lesson.quiz if words in q.question]
    assert len(found) == 1, f"{lesson_id}: no single question mentions {words!r}"
    return found[0]


# -- every numeric question of the course ---------------------------------------------------------

def test_the_course_has_numeric_questions():
    assert len(NUMERIC) >= 30


@pytest.mark.parametrize(("lesson", "index", "question"), NUMERIC, ids=IDS)
def test_an_answer_rounded_to_three_figures_is_right(lesson, index, question):
    typed = _three_significant(float(question.answer))
    correct, _ = question.grade(typed)
    assert correct, f"{lesson.id} question {index + 1}: {typed} marked wrong " \
                    f"(answer {question.answer!r}, allowed error {question.allowed_error:g})"


@pytest.mark.parametrize(("lesson", "index", "question"), NUMERIC, ids=IDS)
def test_an_answer_five_percent_off_is_wrong(lesson, index, question):
    answer = float(question.answer)
    off = answer * 1.05 if answer else 0.05
    correct, _ = question.grade(repr(off))
    assert not correct, f"{lesson.id} question {index + 1}: {off!r} marked right"


@pytest.mark.parametrize(("lesson", "index", "question"), EXACT,
                         ids=[f"{lesson.id}-q{index + 1}" for lesson, index, _ in EXACT])
def test_an_exact_question_refuses_the_neighbouring_whole_numbers(lesson, index, question):
    """A count (`rtol = 0`) takes the exact number only: 5,120 is "forgot the biases"."""
    answer = float(question.answer)
    assert answer.is_integer()
    assert question.grade(str(int(answer)))[0]
    assert not question.grade(str(int(answer) + 1))[0]
    assert not question.grade(str(int(answer) - 1))[0]


@pytest.mark.parametrize(("lesson", "index", "question"), NUMERIC, ids=IDS)
def test_the_hint_for_a_non_number_names_no_answer(lesson, index, question):
    verdict = question.check("no idea")
    assert not verdict.understood and not verdict.correct
    assert "Type a number or a fraction like" in verdict.explanation
    for example in NUMBER_EXAMPLES:
        assert example in NUMBER_PROMPT
        assert not question.grade(example)[0], \
            f"the hint's example {example} answers {lesson.id} question {index + 1}"


def test_no_explanation_starts_with_a_verdict():
    """The app prints "✔ Right." itself: an explanation starting "Right:" read "Right. Right:"."""
    for lesson in COURSE.lessons:
        for q in lesson.quiz:
            for text in q.explanations:
                assert strip_verdict(text) == text, f"{lesson.id}: {text[:40]!r}"


# -- the values the lessons print (issue 12) ------------------------------------------------------

@pytest.mark.parametrize(("lesson_id", "words", "typed"), [
    ("losses", "mean squared error", "1.667"),
    ("losses", "mean squared error", "5/3"),
    ("losses", "cross-entropy loss", "1.386"),
    ("losses", "cross-entropy loss", "ln(4)"),
    ("losses", "cross-entropy loss", "log(4)"),
    ("normalization", "running_var", "1.367"),
    ("normalization", "running_var", "1.3667"),
    ("architectures", "sigmoid layers", "0.00098"),
    ("architectures", "sigmoid layers", "1/1024"),
    ("architectures", "sigmoid layers", "2^-10"),
    ("architectures", "sigmoid layers", "0.25**5"),
    ("rnn", "scalar RNN cell", "0.762"),
    ("rnn", "scalar RNN cell", "0.7616"),
    ("perceptron", "sigmoid σ(z) at z = 0", "1/4"),
    ("perceptron", "sigmoid σ(z) at z = 0", "0.25"),
    ("optimizers", "Adam with lr", "1e-3"),
    ("attention", "k1 get", "0.804"),
    ("regularization", "Inverted dropout", "3/0.8"),
])
def test_the_lessons_own_values_are_right(lesson_id, words, typed):
    assert _question(lesson_id, words).grade(typed)[0]


@pytest.mark.parametrize(("lesson_id", "words", "typed"), [
    ("architectures", "sigmoid layers", "0.001"),   # 2.4 % off: a one-figure rounding
    ("architectures", "LeNet-5", "840"),           # forgot the biases
    ("using_cnns", "nn.Linear", "5120"),           # forgot the biases
    ("sgd", "1000 examples", "31"),                # forgot the partial batch
    ("losses", "mean squared error", "1.6"),
])
def test_real_slips_are_wrong(lesson_id, words, typed):
    assert not _question(lesson_id, words).grade(typed)[0]


# -- grading rules --------------------------------------------------------------------------------

def test_the_default_is_half_a_percent_relative():
    q = QuizQuestion("?", 200.0, (), ("why",))
    assert q.allowed_error == pytest.approx(200.0 * DEFAULT_QUIZ_RTOL)
    assert q.grade("200.9")[0] and not q.grade("201.1")[0]


def test_an_answer_of_zero_takes_zero_in_any_spelling():
    q = QuizQuestion("?", 0.0, (), ("why",))
    assert q.grade("0")[0] and q.grade("-0.0")[0] and q.grade("0/5")[0]
    assert not q.grade("0.01")[0]


def test_an_absolute_tolerance_alone_is_absolute():
    """Packs that state `tolerance` keep their meaning: no relative default is added."""
    q = QuizQuestion("?", 1000.0, (), ("why",), tolerance=0.5)
    assert q.grade("1000.5")[0] and not q.grade("1001")[0]
    exact = QuizQuestion("?", 1000.0, (), ("why",), tolerance=0.0)
    assert exact.grade("1000")[0] and not exact.grade("1000.01")[0]


def test_both_tolerances_add_up():
    q = QuizQuestion("?", 100.0, (), ("why",), tolerance=0.5, rtol=0.01)
    assert q.grade("101.4")[0] and not q.grade("101.6")[0]


def test_a_non_number_is_not_understood_and_says_why():
    q = QuizQuestion("?", 0.75, (), ("why",))
    verdict = q.check("1/0")
    assert not verdict.understood and "divides by zero" in verdict.explanation
    assert "0.75" not in verdict.explanation and "3/4" not in verdict.explanation
    assert q.grade("three quarters") == (False, q.check("three quarters").explanation)


def test_a_right_choice_does_not_repeat_the_verdict():
    q = QuizQuestion("?", 1, ("a", "b"), ("Wrong: that is a.", "Right: the kink is at 0."))
    assert q.grade(1) == (True, "The kink is at 0.")
    assert q.grade(0) == (False, "That is a.")


@pytest.mark.parametrize(("text", "shown"), [
    ("Right: nn.Linear keeps W as (out, in).", "nn.Linear keeps W as (out, in)."),
    ("Right: σ(0) = 0.5.", "σ(0) = 0.5."),
    ("Correct. a gate is a vector.", "A gate is a vector."),
    ("Right — x is 3.", "x is 3."),
    ("Rightly so, this stays.", "Rightly so, this stays."),
    ("Right, but only for ReLU.", "Right, but only for ReLU."),
    ("The residual is 2.", "The residual is 2."),
    ("No mask is used at evaluation.", "No mask is used at evaluation."),
    ("Not quite: the sign is flipped.", "The sign is flipped."),
])
def test_strip_verdict(text, shown):
    assert strip_verdict(text) == shown


# -- the expression reader ------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "value"), [
    ("0.25", 0.25), ("-3", -3.0), ("+2", 2.0), ("1e-3", 1e-3), (" 12 ", 12.0),
    ("1/4", 0.25), ("3/8", 0.375), ("5/3", 5 / 3), ("-1/2", -0.5),
    ("2^-10", 2 ** -10), ("2**-10", 2 ** -10), ("0.25^5", 0.25 ** 5), ("2^3^2", 512.0),
    ("sqrt(2)", math.sqrt(2)), ("ln(4)", math.log(4)), ("log(4)", math.log(4)),
    ("log2(8)", 3.0), ("log10(1000)", 3.0), ("exp(-1)", math.exp(-1)), ("tanh(1)", math.tanh(1)),
    ("pi", math.pi), ("e", math.e), ("2*pi", 2 * math.pi), ("(1 + 2) * 3 / 4", 2.25),
    ("1 - (2 - 3)", 2.0), ("48,120", 48120.0), ("1,000,000", 1e6),
    ("2·3", 6.0), ("2×3", 6.0), ("6÷4", 1.5), ("−0.5", -0.5), ("0.9 + 0.1 * 14/3", 0.9 + 1.4 / 3),
])
def test_numbers_and_formulas_are_read(text, value):
    assert parse_number(text) == pytest.approx(value, rel=1e-12)


@pytest.mark.parametrize(("text", "reason"), [
    ("", "empty"),
    ("   ", "empty"),
    ("x", "not a number"),
    ("three", "not a number"),
    ("__import__('os')", "functions allowed"),
    ("__import__('os').system('echo hacked')", "functions allowed"),
    ("().__class__.__bases__[0].__subclasses__()", "allowed"),
    ("open('/etc/passwd')", "functions allowed"),
    ("lambda: 1", "allowed"),
    ("[1, 2]", "allowed"),
    ("[x for x in range(10**9)]", "allowed"),
    ("'abc'", "not a number"),
    ("True", "not a number"),
    ("1j", "not a number"),
    ("1,5", "decimal"),
    ("1 if 1 else 2", "allowed"),
    ("pi.real", "allowed"),
    ("sqrt(2, 3)", "one number"),
    ("sqrt(x=2)", "one number"),
    ("sqrt(*[2])", "one number"),
    ("9**9**9", "exponent"),
    ("2**1001", "exponent"),
    ("10^400", "too large"),
    ("1e309", "too large"),
    ("exp(1000)", "too large"),
    ("1e200 * 1e200", "too large"),
    ("1/0", "divides by zero"),
    ("0^-1", "divides by zero"),
    ("sqrt(-1)", "not a real number"),
    ("ln(0)", "not a real number"),
    ("(-8)^(1/3)", "not a real number"),
    ("1 +", "not a number or a formula"),
    ("(" * 60 + "1" + ")" * 60, "longer than"),
    ("1" * 101, "longer than"),
    ("-" * 50 + "1", "nested"),
    ("exp(-" * 11 + "1" + ")" * 11, "nested"),
    ("1" + "+1" * 49, "nested"),
])
def test_hostile_or_broken_text_is_refused_with_a_reason(text, reason):
    with pytest.raises(NotANumber, match=reason):
        parse_number(text)


def test_refused_text_runs_nothing(tmp_path: Path):
    marker = tmp_path / "ran"
    for text in (f"__import__('os').system('touch {marker}')",
                 f"open('{marker}', 'w')", f"exec(\"open('{marker}','w')\")"):
        with pytest.raises(NotANumber):
            parse_number(text)
    assert not marker.exists()


def test_a_refusal_is_a_value_error_for_callers_that_expect_one():
    assert issubclass(NotANumber, ValueError)
    with pytest.raises(ValueError):
        parse_number(None)  # type: ignore[arg-type]


# -- the lesson file: rtol, tolerance, formulas, unknown keys ------------------------------------

def _lesson(tmp_path: Path, quiz: str) -> Path:
    path = tmp_path / "lessons" / "01-demo.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'+++\nid = "demo"\ntitle = "Demo"\n\n[[quiz]]\n{quiz}\n+++\n\n# Demo\n',
                    encoding="utf-8")
    return path


def test_a_lesson_states_rtol_and_a_formula_answer(tmp_path):
    lesson = load_lesson(_lesson(tmp_path, 'question = "q"\nanswer = "ln(4)"\nrtol = 0.01\n'
                                           'explanation = "e"'))
    q = lesson.quiz[0]
    assert q.answer == pytest.approx(math.log(4)) and q.rtol == 0.01 and q.tolerance is None
    assert q.grade("1.38")[0] and not q.grade("1.36")[0]


def test_a_lesson_with_the_older_tolerance_key_still_loads(tmp_path):
    q = load_lesson(_lesson(tmp_path, 'question = "q"\nanswer = 0.5\ntolerance = 1e-9\n'
                                      'explanation = "e"')).quiz[0]
    assert q.tolerance == 1e-9 and q.rtol is None
    assert q.grade("1/2")[0] and not q.grade("0.501")[0]


@pytest.mark.parametrize(("quiz", "message"), [
    ('question = "q"\nanswer = 1\nrtoll = 0.1', "did you mean 'rtol'"),
    ('question = "q"\nanswer = "one"', "not a number"),
    ('question = "q"\nanswer = true', "must be a number"),
    ('question = "q"\nanswer = 1\nrtol = 5', "relative"),
    ('question = "q"\nanswer = 1\nrtol = -0.1', "≥ 0"),
    ('question = "q"\nanswer = 1\ntolerance = "big"', "≥ 0"),
    ('question = "q"\nanswer = nan', "finite"),
    ('question = "q"', "answer"),
])
def test_a_malformed_quiz_entry_is_a_clear_error(tmp_path, quiz, message):
    with pytest.raises(ContentError, match=message):
        load_lesson(_lesson(tmp_path, quiz))
