"""Assignment set files: parsing, strictness, resolution against a course, the secret seed."""

from __future__ import annotations

from pathlib import Path

import pytest

from tutor.course import load_course
from tutor.grading.sets import (
    DEFAULT_SEED_ENV,
    SetError,
    every_exercise,
    load_set,
    parse_seed,
    resolve,
    secret_seed,
    strictest_visibility,
)

PACK = Path(__file__).parent / "data" / "pack"

EXAMPLE = """
title = "Homework 2: backprop and optimizers"
[[exercises]]
id = "relu_backward"
points = 10
[[exercises]]
id = "scale_add"
points = 20
"""


def write_set(tmp_path: Path, text: str, name: str = "hw.toml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


@pytest.fixture(scope="module")
def pack_course():
    return load_course([PACK])


def test_the_issue_example_parses_and_resolves(tmp_path, pack_course):
    hw = load_set(write_set(tmp_path, EXAMPLE))
    assert hw.title == "Homework 2: backprop and optimizers"
    assert [(e.id, e.points) for e in hw.entries] == [("relu_backward", 10.0), ("scale_add", 20)]
    assert hw.hidden is None and hw.min_score is None
    items = resolve(hw, pack_course)
    assert [(i.id, i.points, i.name) for i in items] == [
        ("relu_backward", 10.0, "ReLU backward"), ("scale_add", 20.0, "Scale and add")]


def test_points_default_to_the_exercise_and_timeouts_cascade(tmp_path, pack_course):
    hw = load_set(write_set(tmp_path, """
        timeout = 3
        visibility = "after_due_date"
        [[exercises]]
        id = "square"
        [[exercises]]
        id = "scale_add"
        timeout = 1.5
        visibility = "hidden"
        name = "Affine map"
    """))
    square, scale = resolve(hw, pack_course)
    assert square.points == 5.0 and square.timeout == 3 and square.visibility == "after_due_date"
    assert scale.points == 10.0 and scale.timeout == 1.5 and scale.visibility == "hidden"
    assert scale.name == "Affine map"
    assert [i.timeout for i in resolve(hw, pack_course, timeout=0.5)] == [0.5, 0.5]


def test_packs_are_relative_to_the_set_file(tmp_path):
    (tmp_path / "sets").mkdir()
    hw = load_set(write_set(tmp_path / "sets", 'packs = ["../pack"]\n[[exercises]]\nid = "x"\n'))
    assert hw.packs == ((tmp_path / "pack").resolve(),)


@pytest.mark.parametrize("text, words", [
    ("[[exercises]]\nid = 'a'\npoint = 10\n", "unknown key(s) point"),
    ("titel = 'x'\n[[exercises]]\nid = 'a'\n", "unknown key(s) titel"),
    ("title = 'x'\n", "at least one [[exercises]]"),
    ("[[exercises]]\npoints = 3\n", "needs an id"),
    ("[[exercises]]\nid = 'a'\n[[exercises]]\nid = 'a'\n", "listed twice"),
    ("[[exercises]]\nid = 'a'\npoints = -1\n", "at least 0"),
    ("[[exercises]]\nid = 'a'\npoints = 'ten'\n", "must be a number"),
    ("[[exercises]]\nid = 'a'\ntimeout = 0\n", "must be positive"),
    ("visibility = 'everyone'\n[[exercises]]\nid = 'a'\n", "visibility must be one of"),
    ("[hidden]\nseed = 42\n[[exercises]]\nid = 'a'\n", "unknown key(s) seed"),
    ("title = [\n", "not valid TOML"),
])
def test_malformed_sets_say_what_is_wrong(tmp_path, text, words):
    with pytest.raises(SetError) as info:
        load_set(write_set(tmp_path, text))
    assert words in str(info.value)


def test_missing_set_file(tmp_path):
    with pytest.raises(SetError, match="does not exist"):
        load_set(tmp_path / "nope.toml")


def test_unknown_ids_are_all_named(tmp_path, pack_course):
    hw = load_set(write_set(tmp_path, "[[exercises]]\nid = 'relu_backward'\n"
                                      "[[exercises]]\nid = 'nope'\n[[exercises]]\nid = 'nada'\n"))
    with pytest.raises(SetError, match="unknown exercise id\\(s\\): nope, nada"):
        resolve(hw, pack_course)


def test_every_exercise_is_the_course_in_order(pack_course):
    implicit = every_exercise(pack_course)
    assert [e.id for e in implicit.entries] == [e.id for e in pack_course.ordered_exercises()]
    assert {"relu_backward", "scale_add", "square"} <= {e.id for e in implicit.entries}


def test_secret_seed_sources_and_precedence(tmp_path):
    plain = load_set(write_set(tmp_path, EXAMPLE))
    assert secret_seed(plain, None, {}) == (None, "")
    assert secret_seed(plain, 5, {DEFAULT_SEED_ENV: "9"}) == (5, "--seed")
    assert secret_seed(plain, None, {DEFAULT_SEED_ENV: "9"}) == (9, f"${DEFAULT_SEED_ENV}")
    assert secret_seed(plain, None, {DEFAULT_SEED_ENV: "  "}) == (None, "")

    hidden = load_set(write_set(tmp_path, EXAMPLE + '[hidden]\nseed_env = "HW2_SEED"\n', "h.toml"))
    assert hidden.hidden is not None and hidden.hidden.seed_env == "HW2_SEED"
    assert secret_seed(hidden, None, {"HW2_SEED": "0x10"}) == (16, "$HW2_SEED")
    assert secret_seed(hidden, None, {DEFAULT_SEED_ENV: "3"}) == (3, f"${DEFAULT_SEED_ENV}")
    with pytest.raises(SetError, match="give the secret seed with --seed S or in \\$HW2_SEED"):
        secret_seed(hidden, None, {})

    optional = load_set(write_set(tmp_path, EXAMPLE + "[hidden]\nrequired = false\n", "o.toml"))
    assert secret_seed(optional, None, {}) == (None, "")


def test_a_passphrase_is_a_seed_too():
    assert parse_seed("42") == 42
    assert parse_seed("correct horse") == parse_seed("correct horse")
    assert parse_seed("correct horse") != parse_seed("correct horse!")


def test_a_seed_keeps_every_bit_of_any_size():
    big = 2**300 + 12345
    assert parse_seed(str(big)) == big
    assert parse_seed(hex(big)) == big and parse_seed(hex(big).upper().replace("X", "x")) == big
    assert parse_seed("0x" + "f" * 5000) == 16**5000 - 1
    assert parse_seed("9" * 6000) == 10**6000 - 1  # past int()'s default digit limit
    assert parse_seed("007") == 7 and parse_seed(" 42\n") == 42 and parse_seed("-5") == -5
    assert parse_seed("1_000") == 1000
    # a passphrase keeps all of SHA-256's bits, not 48 of them
    assert parse_seed("correct horse battery staple").bit_length() > 200


def test_the_strictest_visibility():
    assert strictest_visibility([]) == "visible"
    assert strictest_visibility(["visible", "after_due_date"]) == "after_due_date"
    assert strictest_visibility(["after_due_date", "after_published"]) == "after_published"
    assert strictest_visibility(["after_published", "hidden", "visible"]) == "hidden"
    assert strictest_visibility(["visible", "no such thing"]) == "hidden"
