"""Markdown whose code and formula blocks fit their pane instead of being cut off.

Textual's Markdown draws a fenced or indented block on one line per source line and crops what
does not fit, with no scroll bar: beside the editor, GRU's `n = tanh(… r ⊙ (h_prev·W_hnᵀ + b_hn))`
simply lost its end. Here a line that is wider than the pane is broken (at a space when there
is one) and each continuation row starts with a `↪` under the line's own indentation, so
nothing is hidden and a wrapped row cannot be mistaken for a line of its own. The wrapping is
redone at every width, so f8 and a resized terminal reflow the blocks too.

A lesson's Markdown (`runnable=True`) also makes its ```python blocks focusable, so a key can run
the focused block and show its output under it (`ReflowedFence.show_output`), and `embeds` puts a
widget where a fence of a given language stands (a lesson's ```checkpoint blocks)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual.content import Content
from textual.css.styles import RulesMap
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions, Visual
from textual.widget import Widget
from textual.widgets import Label, Markdown, Static
from textual.widgets.markdown import MarkdownBlock, MarkdownFence

from tutor.pictures import has_pictures, render_output_rich

RUNNABLE_LANGUAGES = ("python", "py", "python3")

CONTINUATION = "↪ "
"""Starts each row that continues a block line which was too wide for the pane."""


def _fit(text: str, cells: int) -> int:
    """How many characters of `text` fit in `cells` columns (at least one)."""
    used = 0
    for index, char in enumerate(text):
        used += cell_len(char)
        if used > cells:
            return max(1, index)
    return len(text)


def _break_point(text: str, cut: int, after: int) -> int:
    """Where to break `text` so that the row ends before `cut`: at a gap of two or more spaces
    (between a formula and its comment, between two columns) when one lies in the second half,
    else at the last space after position `after`; 0 when there is no such space."""
    gap = text.rfind("  ", 0, cut + 1)
    if gap > max(after, cut // 2):
        return gap
    space = text.rfind(" ", 0, cut + 1)
    return space if space > after else 0


def reflow_line(line: Content, width: int) -> list[Content]:
    """One block line as rows of at most `width` cells: broken at the last space that fits
    (else mid-word), continuation rows indented under the line and marked with CONTINUATION."""
    if width <= 0 or line.cell_length <= width:
        return [line]
    plain = line.plain
    indent = len(plain) - len(plain.lstrip(" "))
    hang = indent if indent + len(CONTINUATION) + 12 <= width else 0
    prefix = Content.styled(" " * hang + CONTINUATION, "$text-muted")
    rows: list[Content] = []
    rest = line
    while True:
        room = width - (prefix.cell_length if rows else 0)
        if rest.cell_length <= room:
            rows.append(rest)
            break
        text = rest.plain
        cut = _fit(text, room)
        space = _break_point(text, cut, indent if not rows else 0)
        head_end = cut
        if space:
            head_end, cut = space, space
        rows.append(rest[:head_end].rstrip())
        rest = rest[cut:]
        skip = len(rest.plain) - len(rest.plain.lstrip(" "))
        rest = rest[skip:]
        if not rest.plain:
            break
    return [rows[0], *(prefix + row for row in rows[1:])]


def reflow(content: Content, width: int) -> list[Content]:
    """Every line of a block, reflowed to `width` cells."""
    return [row for line in content.split("\n", allow_blank=True)
            for row in reflow_line(line, width)]


class ReflowedBlock(Visual):
    """A Visual showing a code block reflowed to the width it is given."""

    def __init__(self, content: Content) -> None:
        self.content = content

    def _rows(self, width: int) -> Content:
        return Content("\n").join(reflow(self.content, width))

    def render_strips(self, width: int, height: int | None, style: Style,
                      options: RenderOptions) -> list[Strip]:
        return self._rows(width).render_strips(width, height, style, options)

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return self.content.get_optimal_width(rules, container_width)

    def get_minimal_width(self, rules: RulesMap) -> int:
        return 1

    def get_height(self, rules: RulesMap, width: int) -> int:
        return len(reflow(self.content, width))

    def __str__(self) -> str:  # what tests and copy-paste see: the block as written
        return self.content.plain


class ReflowedFence(MarkdownFence):
    """A fenced or indented code block that wraps to the pane with marked continuation rows.

    In a runnable Markdown, a python block can take focus (`runnable`), and shows what running
    it printed under its code (`show_output`). A fence whose language has an embed shows that
    widget instead of its code."""

    DEFAULT_CSS = """
    ReflowedFence {
        overflow: hidden hidden;
    }
    ReflowedFence > Label {
        width: 1fr;
        text-wrap: nowrap;
    }
    ReflowedFence.-runnable:focus {
        background-tint: $accent 12%;
        border-left: outer $accent;
    }
    ReflowedFence.-embed {
        background: transparent;
        margin: 0;
    }
    ReflowedFence > .block-output {
        padding: 0 2 1 2;
        color: $text-muted;
        border-top: dashed $panel-lighten-2;
    }
    ReflowedFence > .block-output.-error {
        color: $text-error;
    }
    """

    def __init__(self, markdown: Markdown, token: Any, code: str) -> None:
        super().__init__(markdown, token, code)
        language = (self.lexer or "").strip().split(" ", 1)[0].lower()
        self.language = language
        self.runnable = bool(getattr(markdown, "runnable", False)) \
            and language in RUNNABLE_LANGUAGES
        self.embed: Callable[[str], Widget] | None = getattr(markdown, "embeds", {}).get(language)
        if self.runnable:
            self.can_focus = True
            self.add_class("-runnable")
            self.tooltip = "r: run this block · o: edit it in a scratch editor"
        if self.embed is not None:
            self.add_class("-embed")

    def show_output(self, text: str, *, error: bool = False) -> None:
        """Show `text` (what running the block printed) under the code, replacing the last;
        the pictures it showed (`tutor.pictures.show`) are drawn, in the pane's width."""
        for old in self.query(".block-output"):
            old.remove()
        body: str | Text = text
        if has_pictures(text):
            body = render_output_rich(text, width=max(20, self.size.width - 4))
        output = Static(body, classes="block-output" + (" -error" if error else ""),
                        markup=False)
        self.mount(output)

    @classmethod
    def highlight(cls, code: str, language: str, ansi: bool = False,
                  dark: bool = False) -> Content:
        # An indented block names no language: plain text, not Pygments guessing one (~0.2 s
        # a block, and formulas coloured as if they were code). See formulas.label_bare_fences.
        return super().highlight(code, language or "text", ansi=ansi, dark=dark)

    def set_content(self, content: Content) -> None:
        self._content = content
        for label in self.query("#code-content").results(Label):
            label.update(ReflowedBlock(content))

    def compose(self):  # type: ignore[no-untyped-def]
        if self.embed is not None:
            yield self.embed(self.code)
            return
        yield Label(ReflowedBlock(self._highlighted_code), id="code-content", expand=True)


class ReflowMarkdown(Markdown):
    """Markdown with `ReflowedFence` for its code and formula blocks.

    `runnable`: python blocks take focus (a lesson's, to be run); `embeds`: a language's fences
    are shown as the widget its function builds from the fence's text."""

    def __init__(self, markdown: str | None = None, *, runnable: bool = False,
                 embeds: Mapping[str, Callable[[str], Widget]] | None = None,
                 **kwargs: Any) -> None:
        self.runnable = runnable
        self.embeds = dict(embeds or {})
        super().__init__(markdown, **kwargs)

    def get_block_class(self, block_name: str) -> type[MarkdownBlock]:
        if block_name in ("fence", "code_block"):
            return ReflowedFence
        return super().get_block_class(block_name)

