"""Grade a function a learner wrote in a Jupyter notebook, without running the notebook.

Many deep-learning courses hand out notebooks, so a submission folder may hold `<id>.ipynb`
instead of `<id>.py` (or one notebook holding every exercise's function). A notebook is a script
of cells, most of which *do* things: load data, train for an hour, plot. So nothing is run as
the notebook runs it. The grader reads the notebook's JSON on the trusted side, parses every code
cell with `ast` (parsing runs nothing) and keeps only the top-level statements that define:

- `import` and `from ... import`;
- `def`, `async def` and `class` (with their decorators);
- assignments of literals to names (`EPS = 1e-8`, `SIZES = (3, 4)`), read with
  `ast.literal_eval`'s rules: no call, no name, no attribute.

Everything else is skipped, and the result says which cells and lines were skipped and why (in a
fixed vocabulary, never the skipped text: on hidden cases nothing the student wrote may reach a
report). IPython magics and shell lines (`%matplotlib inline`, `!pip install`) are blanked; a
cell magic (`%%time`) skips its cell. A cell that does not parse is skipped, unless it defines
the graded function: then it is kept whole, so the learner sees their syntax error.

The kept code is written to a private temporary folder outside the submission (`Extracted`);
the worker grades that file exactly as it grades a `.py` file (`confine=` the temporary folder),
and `Extracted.remap` turns the file's line numbers back into "cell N, line M" in tracebacks,
messages and excerpts. Cells are numbered from the top of the notebook, every cell counted
(Markdown too), as a person counts them scrolling down.

Headless: imports neither textual nor torch."""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

from tutor.course.model import Exercise
from tutor.grading.results import CheckResult, Verdict

MAX_NOTEBOOK_BYTES = 32 * 1024 * 1024  #: notebooks carry their outputs (plots): larger than .py
MAX_NOTEBOOKS_SCANNED = 20  #: per submission folder, looking for the one defining a function
MAX_SKIPS_NAMED = 8  #: skipped places a message names before "and N more"
SUFFIX = ".ipynb"
_SKIP_DIRS = {"__pycache__", "__MACOSX", "node_modules", ".git", ".venv", "venv",
              ".ipynb_checkpoints"}

#: what a skipped statement is, in words the learner knows (never its text)
_KIND = {
    ast.Expr: "runs an expression", ast.Assign: "assigns a computed value",
    ast.AugAssign: "updates a variable", ast.AnnAssign: "assigns a computed value",
    ast.For: "runs a loop", ast.AsyncFor: "runs a loop", ast.While: "runs a loop",
    ast.If: "runs an if block", ast.With: "runs a with block", ast.AsyncWith: "runs a with block",
    ast.Try: "runs a try block", ast.Delete: "deletes a name", ast.Assert: "runs an assert",
    ast.Raise: "raises", ast.Global: "declares a global", ast.Return: "returns",
}


class NotebookError(ValueError):
    """The notebook cannot be read or is not a notebook; the message says why, for the learner."""


@dataclass(frozen=True)
class Skipped:
    cell: int  #: 1-based, every cell counted
    line: int | None  #: 1-based within the cell; None for the whole cell
    why: str

    def text(self) -> str:
        where = f"cell {self.cell}" + (f" line {self.line}" if self.line else "")
        return f"{where} ({self.why})"


@dataclass(frozen=True)
class Extraction:
    """What a notebook's code cells define, as one Python source, and where each line came from."""

    source: str
    lines: tuple[tuple[int, int] | None, ...]  #: source line i+1 -> (cell, line in cell)
    used: tuple[int, ...]  #: cells something was kept from
    skipped: tuple[Skipped, ...]

    def origin(self, line: int) -> tuple[int, int] | None:
        return self.lines[line - 1] if 1 <= line <= len(self.lines) else None

    def note(self, name: str) -> str:
        """One line for the result's message: which cells were graded and which skipped."""
        used = ", ".join(map(str, self.used)) or "none"
        text = f"from notebook {name}: graded the definitions and imports of cells {used}"
        if self.skipped:
            named = "; ".join(s.text() for s in self.skipped[:MAX_SKIPS_NAMED])
            more = len(self.skipped) - MAX_SKIPS_NAMED
            text += f"; skipped {named}" + (f"; and {more} more" if more > 0 else "")
        return text


# -- reading -------------------------------------------------------------------------------------


def read_notebook(path: Path, confine: Path) -> bytes:
    """The notebook's bytes: a regular file inside `confine` (no link out of it), capped."""
    from tutor.grading.submission import SubmissionError, read_submission

    try:
        return read_submission(path, confine, max_bytes=MAX_NOTEBOOK_BYTES)
    except SubmissionError as exc:
        message = str(exc)
        if "larger than" in message:
            message = (f"{path.name} is larger than {MAX_NOTEBOOK_BYTES // (1024 * 1024)} MiB: "
                       "clear its outputs (Edit > Clear All Outputs) and save it again")
        elif "submit the file itself" in message:
            message = message.replace("the file itself", "the notebook itself")
        raise NotebookError(message) from None


def code_cells(data: bytes, name: str) -> list[tuple[int, str]]:
    """(cell number, source) of every code cell; raises NotebookError for anything else than an
    nbformat 3 or 4 notebook."""
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise NotebookError(f"{name} is not a valid notebook: it is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise NotebookError(f"{name} is not a valid notebook (its JSON is broken at line "
                            f"{exc.lineno}, column {exc.colno}: {exc.msg}); open it in Jupyter "
                            "and save it again") from None
    except RecursionError:
        raise NotebookError(f"{name} is not a valid notebook (nested too deeply)") from None
    cells = doc.get("cells") if isinstance(doc, dict) else None
    if cells is None and isinstance(doc, dict) and isinstance(doc.get("worksheets"), list):
        cells = [c for ws in doc["worksheets"] if isinstance(ws, dict)
                 for c in ws.get("cells", []) or []]  # nbformat 3
    if not isinstance(cells, list):
        raise NotebookError(f"{name} is not a valid notebook: it has no list of cells")
    out = []
    for number, cell in enumerate(cells, 1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        raw = cell.get("source", cell.get("input", ""))
        if isinstance(raw, list) and all(isinstance(s, str) for s in raw):
            raw = "".join(raw)
        if not isinstance(raw, str):
            raise NotebookError(f"{name} is not a valid notebook: cell {number}'s source is "
                                "not text")
        out.append((number, raw))
    return out


# -- extracting ----------------------------------------------------------------------------------

_MAGIC = re.compile(r"^\s*[%!]")
_DEF = re.compile(r"^\s*(?:async\s+)?def\s+(\w+)\s*\(", re.MULTILINE)
_HIDDEN_FRAME = re.compile(r"^(?P<indent>\s+)line (?P<line>\d{1,9}), in ", re.MULTILINE)


def _blank_magics(source: str) -> str:
    """IPython line magics and shell escapes become blank lines (line numbers unchanged)."""
    return "".join("\n" if _MAGIC.match(line) else line
                   for line in source.splitlines(keepends=True))


def _defines(source: str, function: str) -> bool:
    return any(m.group(1) == function for m in _DEF.finditer(source))


def _literal(node: ast.expr | None) -> bool:
    if node is None:
        return False
    try:
        ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False
    return True


def _names(target: ast.expr) -> bool:
    if isinstance(target, ast.Name):
        return True
    return isinstance(target, (ast.Tuple, ast.List)) and all(_names(t) for t in target.elts)


def _keep(node: ast.stmt) -> bool:
    if isinstance(node, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef,
                         ast.ClassDef)):
        return True
    if isinstance(node, ast.Assign):
        return all(_names(t) for t in node.targets) and _literal(node.value)
    if isinstance(node, ast.AnnAssign):
        return isinstance(node.target, ast.Name) and _literal(node.value)
    return False


def _first_line(node: ast.stmt) -> int:
    decorators = getattr(node, "decorator_list", None) or []
    return min([node.lineno, *(d.lineno for d in decorators)])


def extract(cells: list[tuple[int, str]], function: str) -> Extraction:
    """The definitions and imports of `cells` as one source, with a map back to the cells."""
    out: list[str] = []
    where: list[tuple[int, int] | None] = []
    used: list[int] = []
    skipped: list[Skipped] = []
    for number, raw in cells:
        if not raw.strip():
            continue
        if raw.lstrip().startswith("%%"):
            skipped.append(Skipped(number, None, "a cell magic"))
            continue
        source = _blank_magics(raw)
        lines = source.splitlines()
        try:
            tree = ast.parse(source)
        except (SyntaxError, ValueError, MemoryError, RecursionError) as exc:
            line = getattr(exc, "lineno", None)
            if _defines(source, function):  # keep it whole: the learner sees the syntax error
                out.append(f"# cell {number}")
                where.append(None)
                out.extend(lines)
                where.extend((number, n) for n in range(1, len(lines) + 1))
                used.append(number)
            else:
                skipped.append(Skipped(number, line if isinstance(line, int) else None,
                                       "does not parse"))
            continue
        statements = tree.body
        spans = [(_first_line(s), s.end_lineno or s.lineno) for s in statements]
        kept_any = False
        for i, node in enumerate(statements):
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) \
                    and isinstance(node.value.value, str):
                continue  # a docstring or a bare string: nothing to run, nothing to report
            if not _keep(node):
                skipped.append(Skipped(number, node.lineno,
                                       _KIND.get(type(node), "runs a statement")))
                continue
            if not kept_any:
                out.append(f"# cell {number}")
                where.append(None)
                kept_any = True
            first, last = spans[i]
            shares = any(a <= last and first <= b for j, (a, b) in enumerate(spans) if j != i)
            if shares:  # `import os; train()` on one line: keep only the import
                out.append(ast.unparse(node))
                where.append((number, node.lineno))
            else:
                out.extend(lines[first - 1:last])
                where.extend((number, n) for n in range(first, last + 1))
        if kept_any:
            used.append(number)
    return Extraction("\n".join(out) + "\n", tuple(where), tuple(used), tuple(skipped))


# -- finding the notebook to grade ---------------------------------------------------------------


def _notebooks(folder: Path) -> list[Path]:
    found: list[Path] = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS and not d.startswith("."))
        found.extend(Path(root) / f for f in sorted(files)
                     if f.endswith(SUFFIX) and not f.startswith("."))
        if len(found) >= MAX_NOTEBOOKS_SCANNED:
            break
    return found[:MAX_NOTEBOOKS_SCANNED]


@dataclass(frozen=True)
class Extracted:
    """A notebook's kept code, written to `path` in a private folder (`folder`) to be graded."""

    notebook: str  #: its path inside the submission (what the learner calls it)
    folder: Path
    path: Path
    extraction: Extraction

    def remap(self, result: CheckResult) -> CheckResult:
        """The result in the notebook's terms: `cell N, line M` where it said `line L`, and a
        note of what was graded and skipped at the end of the message."""
        report = result.report
        if report is not None:
            report = replace(report, traceback=self._traceback(report.traceback),
                             problem=self._message(report.problem))
        message = self._message(result.message)
        note = self.extraction.note(self.notebook)
        return replace(result, report=report, excerpt=self._excerpt(result.excerpt),
                       message=f"{message} · {note}" if message else note)

    def _at(self, line: str) -> str | None:
        origin = self.extraction.origin(int(line))
        return f"cell {origin[0]}, line {origin[1]}" if origin else None

    def _traceback(self, text: str) -> str:
        def frame(m: re.Match[str]) -> str:
            at = self._at(m.group("line"))
            return f'File "{self.notebook}", {at}' if at else m.group(0)

        def hidden(m: re.Match[str]) -> str:
            at = self._at(m.group("line"))
            return f"{m.group('indent')}{at}, in " if at else m.group(0)

        name = re.escape(self.path.name)
        text = re.sub(rf'File "(?:[^"]*/)?{name}", line (?P<line>\d{{1,9}})', frame, text)
        return _HIDDEN_FRAME.sub(hidden, text)

    def _message(self, text: str) -> str:
        def line(m: re.Match[str]) -> str:
            at = self._at(m.group("line"))
            return f"{m.group('lead')}{at}" if at else m.group(0)

        return re.sub(r"(?P<lead>does not parse: |syntax error on |\()line (?P<line>\d{1,9})",
                      line, text)

    def _excerpt(self, text: str) -> str:
        out, width = [], 0
        for raw in text.splitlines():
            m = re.match(r"^\s*(\d{1,9}) \| (.*)$", raw)
            at = self._at(m.group(1)) if m else None
            if m and at:
                width = len(at)
                out.append(f"{at} | {m.group(2)}")
                continue
            caret = re.match(r"^\s* \| (.*)$", raw)
            out.append(f"{' ' * width} | {caret.group(1)}" if caret and width else raw)
        return "\n".join(out)


class NotebookSources:
    """The notebooks a batch grades: finds them, and writes what they define to a private
    temporary folder that `close()` removes. One per `grade_batch`."""

    def __init__(self) -> None:
        self._root: Path | None = None
        self._defines: dict[Path, list[tuple[Path, frozenset[str]]]] = {}

    def find(self, folder: Path, exercise: Exercise) -> Path | None:
        """The notebook to grade `exercise` from: `<id>.ipynb` at the top of `folder` (else the
        only one below), else the only notebook whose code defines the exercise's function."""
        named = [p for p in _notebooks(folder) if p.name == exercise.id + SUFFIX]
        top = folder / (exercise.id + SUFFIX)
        if top in named:
            return top
        if len(named) == 1:
            return named[0]
        holding = [p for p, functions in self._index(folder) if exercise.function in functions]
        return holding[0] if len(holding) == 1 else None

    def _index(self, folder: Path) -> list[tuple[Path, frozenset[str]]]:
        if folder not in self._defines:
            index = []
            for path in _notebooks(folder):
                try:
                    cells = code_cells(read_notebook(path, folder), path.name)
                except NotebookError:
                    continue
                names = {m.group(1) for _, src in cells for m in _DEF.finditer(src)}
                index.append((path, frozenset(names)))
            self._defines[folder] = index
        return self._defines[folder]

    def extract(self, notebook: Path, folder: Path, exercise: Exercise) -> Extracted | CheckResult:
        """The notebook's code, ready to grade; or, for a notebook that cannot be read, the
        `error` result that says why (the batch goes on)."""
        name = str(notebook.relative_to(folder))
        try:
            extraction = extract(code_cells(read_notebook(notebook, folder), name),
                                 exercise.function)
        except NotebookError as exc:
            return CheckResult(exercise=exercise.id, verdict=Verdict.ERROR, score=0.0,
                               cases_passed=0, cases_total=0, duration_ms=0.0,
                               message=str(exc), loaded=False)
        if self._root is None:
            self._root = Path(tempfile.mkdtemp(prefix="dltutor-notebooks-")).resolve()
        place = Path(tempfile.mkdtemp(dir=self._root))
        path = place / exercise.filename
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0),
                     0o600)
        with os.fdopen(fd, "w", encoding="utf-8", errors="replace") as fh:
            fh.write(extraction.source)
        return Extracted(name, place, path, extraction)

    def close(self) -> None:
        if self._root is not None:
            shutil.rmtree(self._root, ignore_errors=True)
            self._root = None
