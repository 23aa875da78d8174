"""`dltutor lesson N`: a lesson as plain text, its runnable code blocks and its checkpoints.

    dltutor lesson 12                       the lesson, blocks and checkpoints marked
    dltutor lesson 12 --run 2               run its 2nd python block in the jail, print the output
    dltutor lesson 12 --checkpoints         list its checkpoints (and your last answers)
    dltutor lesson 12 --predict conv_shape "(1, 8, 28, 28)"
                                            predict, then see what PyTorch says (recorded)

N is the lesson's number (as the course map shows it) or its id. The code runs exactly as the
reader's `r` runs it: in the grading worker's jail, where it sees neither the course nor the
workspace."""

from __future__ import annotations

import argparse
import sys

from tutor.commands.common import (
    UsageError,
    add_pack_option,
    add_workspace_option,
    load,
    open_session,
    usage_errors,
)
from tutor.course import Course, Lesson
from tutor.course.checkpoints import VERDICT_WORDS, BadPrediction, Checkpoint, fences
from tutor.exitcodes import ExitCode


def register(sub: argparse._SubParsersAction) -> None:
    text = "read a lesson, run its code blocks, answer its checkpoints"
    p = sub.add_parser("lesson", help=text, description=text)
    p.add_argument("lesson", metavar="N", help="the lesson's number (e.g. 12) or id")
    what = p.add_mutually_exclusive_group()
    what.add_argument("--run", type=int, metavar="K",
                      help="run the lesson's K-th python code block and print its output")
    what.add_argument("--checkpoints", action="store_true",
                      help="list the lesson's checkpoints and your last answers")
    what.add_argument("--predict", nargs=2, metavar=("ID", "VALUE"),
                      help="answer checkpoint ID (or its number) with VALUE, then see the real "
                           "value")
    add_pack_option(p)
    add_workspace_option(p)
    p.set_defaults(func=run)


def find_lesson(course: Course, word: str) -> Lesson:
    """The lesson numbered `word` (12, 012) or with id `word`; UsageError naming the choices."""
    for lesson in course.lessons:
        if lesson.id == word or (word.isdigit() and int(word) == lesson.number):
            return lesson
    numbers = ", ".join(str(lesson.number) for lesson in course.lessons)
    raise UsageError(f"no lesson {word!r}: choose a lesson number ({numbers}) or id; "
                     "`dltutor list` shows them")


@usage_errors
def run(args: argparse.Namespace) -> int:
    course = load(args)
    lesson = find_lesson(course, args.lesson)
    if args.run is not None:
        return run_block(args, course, lesson, args.run)
    if args.predict:
        return predict(args, course, lesson, *args.predict)
    if args.checkpoints:
        return list_checkpoints(args, course, lesson)
    print(plain(lesson))
    return int(ExitCode.OK)


def run_block(args: argparse.Namespace, course: Course, lesson: Lesson, number: int) -> int:
    blocks = lesson.code_blocks()
    if not blocks:
        raise UsageError(f"lesson {lesson.number} ({lesson.id}) has no python code blocks")
    if not 1 <= number <= len(blocks):
        raise UsageError(f"lesson {lesson.number} has {len(blocks)} python code block"
                         f"{'s' if len(blocks) != 1 else ''}: choose K from 1 to {len(blocks)}")
    session = open_session(args, course)
    try:
        result = session.run_code(blocks[number - 1].code)
    finally:
        session.close()
    print(f"── lesson {lesson.number}, block {number} of {len(blocks)} "
          f"({result.elapsed_ms / 1000:.2f} s) ──")
    if result.output:
        write_output(result.output if result.output.endswith("\n") else result.output + "\n")
    if result.truncated:
        print("… (output cut short)")
    if not result.output and result.ok:
        print("(no output)")
    if result.status in ("ok", "no_value"):
        return int(ExitCode.OK)
    print(result.error.rstrip(), file=sys.stderr)
    return int(ExitCode.FAILED)


def write_output(output: str) -> None:
    """What a block printed, with the pictures it showed drawn (`tutor.pictures`): in colour
    where the terminal has it (as Rich sees it: a pipe, NO_COLOR or TERM=dumb have none), else
    in density characters; to the terminal's width."""
    from rich.console import Console

    from tutor.pictures import Figure, draw, enough_colors, split_output, to_rich

    console = Console(highlight=False)
    color = enough_colors(console)
    for part in split_output(output):
        if isinstance(part, Figure):
            sys.stdout.flush()
            console.print(to_rich(draw(part, width=console.width, color=color)))
        else:
            sys.stdout.write(part)


def list_checkpoints(args: argparse.Namespace, course: Course, lesson: Lesson) -> int:
    if not lesson.checkpoints:
        print(f"Lesson {lesson.number} ({lesson.id}) has no checkpoints.")
        return int(ExitCode.OK)
    session = open_session(args, course)
    try:
        answers = session.checkpoint_answers(lesson)
    finally:
        session.close()
    right = sum(a.right for a in answers.values())
    print(f"Lesson {lesson.number} · {lesson.title}: {len(lesson.checkpoints)} checkpoints, "
          f"{len(answers)} answered, {right} right")
    for i, checkpoint in enumerate(lesson.checkpoints, 1):
        print(f"\n{i}. {checkpoint.id} ({checkpoint.expect}): {checkpoint.question}")
        for j, choice in enumerate(checkpoint.choices, 1):
            print(f"     {j}. {choice}")
        answer = answers.get(checkpoint.id)
        if answer:
            print(f"   you said {answer.prediction} · PyTorch says {answer.actual} "
                  f"({answer.verdict})")
        else:
            print(f"   predict: dltutor lesson {lesson.number} --predict {checkpoint.id} VALUE")
    return int(ExitCode.OK)


def _checkpoint(lesson: Lesson, word: str) -> Checkpoint:
    for i, checkpoint in enumerate(lesson.checkpoints, 1):
        if word in (checkpoint.id, str(i)):
            return checkpoint
    ids = ", ".join(c.id for c in lesson.checkpoints) or "none"
    raise UsageError(f"lesson {lesson.number} has no checkpoint {word!r} (its checkpoints: "
                     f"{ids})")


def predict(args: argparse.Namespace, course: Course, lesson: Lesson, word: str,
            value: str) -> int:
    checkpoint = _checkpoint(lesson, word)
    session = open_session(args, course)
    try:
        outcome, result = session.answer_checkpoint(lesson, checkpoint, value)
    except BadPrediction as exc:
        raise UsageError(str(exc)) from None
    finally:
        session.close()
    if outcome is None:
        print(f"The checkpoint's code did not give a value ({result.status}): "
              f"{result.error.rstrip()}", file=sys.stderr)
        return int(ExitCode.FAILED)
    if outcome.output.strip():
        print(outcome.output.rstrip("\n"))
    print(f"you said {outcome.prediction} · PyTorch says {outcome.actual}")
    print(VERDICT_WORDS[outcome.verdict] + (f" {outcome.explanation}"
                                            if outcome.explanation else ""))
    return int(ExitCode.OK if outcome.right else ExitCode.FAILED)


def plain(lesson: Lesson) -> str:
    """The lesson's Markdown as it reads in a terminal: each python block headed by the command
    that runs it, each checkpoint as its question and the command that answers it."""
    body = lesson.body()
    lines = body.split("\n")
    marks: dict[int, tuple[int, list[str]]] = {}  # first line -> (lines replaced, new lines)
    block = 0
    checkpoints = iter(lesson.checkpoints)
    for language, _code, line, end in fences(body):
        start, length = line - 1, end - line + 1
        if language in ("python", "py", "python3"):
            block += 1
            head = f"[block {block}: dltutor lesson {lesson.number} --run {block}]"
            marks[start] = (0, [head])
        elif language == "checkpoint":
            checkpoint = next(checkpoints, None)
            if checkpoint is None:
                continue
            out = [f"▶ Checkpoint ({checkpoint.id}): {checkpoint.question}"]
            out += [f"    {j}. {choice}" for j, choice in enumerate(checkpoint.choices, 1)]
            out.append(f"  predict {checkpoint.prompt}: dltutor lesson {lesson.number} "
                       f"--predict {checkpoint.id} VALUE")
            marks[start] = (length, out)
    text: list[str] = [f"Lesson {lesson.number} · {lesson.title}", ""]
    i = 0
    while i < len(lines):
        if i in marks:
            skip, new = marks[i]
            text.extend(new)
            if skip:
                i += skip
                continue
        text.append(lines[i])
        i += 1
    return "\n".join(text).rstrip() + "\n"
