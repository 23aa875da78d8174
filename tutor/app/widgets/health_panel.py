"""The training screen's health panel: the run's latest training-health numbers as tiny bars
(gradient norm per layer, the update/weight ratio and its trend, dead ReLUs, saturation), then one
line per symptom, each naming its cause and the lesson section that teaches it. Choosing a symptom
(click it, or tab to the list and press enter) asks to open that lesson at that section.

| key   | action                                    |
| ----- | ----------------------------------------- |
| ↑ / ↓ | move between the symptoms                 |
| enter | read the lesson section of the symptom    |

It draws what `tutor.training.health_view` formats from a `RunState` (which folds the run's
Health and Symptom events): the UI never measures anything itself, and never imports torch.
While a run goes, the symptoms showing now are listed; once it ended, every one that appeared,
those that went away marked ✓.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass

from rich.console import Console
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tutor.training.events import Symptom
from tutor.training.health_view import appeared, health_lines, symptom_text
from tutor.training.state import RunState


def listed(state: RunState) -> list[tuple[Symptom, int | None]]:
    """The symptoms to list, each with the step it went away (None: still there): those showing
    now while the run goes, every one that appeared once it is over."""
    if state.end is None:
        return [(s, None) for s in state.symptoms.values()]
    return appeared(state)


class HealthPanel(Vertical):
    """Training-health numbers and symptom lines with their lesson links, for one run."""

    DEFAULT_CSS = """
    HealthPanel { height: auto; }
    HealthPanel > #health-numbers { height: auto; }
    HealthPanel > #health-symptoms {
        height: auto;
        max-height: 12;
        border: none;
        padding: 0;
        background: $surface;
        display: none;
    }
    HealthPanel > #health-symptoms:focus { background-tint: $foreground 5%; }
    """

    @dataclass
    class LessonRequested(Message):
        """The learner chose a symptom: open `lesson` (an id) at the heading `section`."""

        lesson: str
        section: str

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._shown: tuple[tuple[str, str, int, int | None], ...] = ()
        self._links: list[tuple[str, str]] = []
        self._drawn: list[Text] = []  #: what the panel shows now, for `height_for`

    def compose(self) -> ComposeResult:
        yield Static(id="health-numbers")
        yield OptionList(id="health-symptoms")

    def show(self, state: RunState | None, styles: Mapping[str, str],
             lessons: Mapping[str, int] | None = None) -> None:
        """Draw `state`'s health (None: nothing to show). `lessons`: number by lesson id."""
        numbers = health_lines(state, styles) if state is not None else None
        self.query_one("#health-numbers", Static).update(numbers if numbers is not None else "")
        entries = listed(state) if state is not None else []
        lines = [symptom_text([symptom], lessons, cleared=[gone]) for symptom, gone in entries]
        self._drawn = ([numbers] if numbers is not None else []) + lines
        key = tuple((s.series, s.key, s.step, gone) for s, gone in entries)
        if key == self._shown:
            return
        self._shown = key
        options = self.query_one("#health-symptoms", OptionList)
        highlighted = options.highlighted
        options.clear_options()
        self._links = [(s.lesson, s.section) for s, _ in entries]
        options.add_options([Option(line, id=f"symptom-{i}") for i, line in enumerate(lines)])
        options.display = bool(entries)
        if entries:
            options.highlighted = min(highlighted or 0, len(entries) - 1)

    def height_for(self, width: int) -> int:
        """The lines the panel takes at `width` columns (the screen shares out its height)."""
        if not self._drawn:
            return 0
        console = Console(width=max(1, width), file=io.StringIO(), color_system=None)
        return sum(len(console.render_lines(t, console.options, pad=False)) for t in self._drawn)

    @property
    def symptom_lines(self) -> list[str]:
        """The listed symptoms as plain text (what a test or a screen reader reads)."""
        options = self.query_one("#health-symptoms", OptionList)
        out = []
        for i in range(options.option_count):
            prompt = options.get_option_at_index(i).prompt
            out.append(prompt.plain if isinstance(prompt, Text) else str(prompt))
        return out

    def open_highlighted(self) -> bool:
        """Ask to open the highlighted symptom's lesson (the first one if none is); False when
        there is no symptom."""
        if not self._links:
            return False
        options = self.query_one("#health-symptoms", OptionList)
        index = options.highlighted if options.highlighted is not None else 0
        self.post_message(self.LessonRequested(*self._links[min(index, len(self._links) - 1)]))
        return True

    @on(OptionList.OptionSelected, "#health-symptoms")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if 0 <= event.option_index < len(self._links):
            self.post_message(self.LessonRequested(*self._links[event.option_index]))
