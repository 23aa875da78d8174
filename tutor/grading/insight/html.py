"""The class report as one self-contained HTML page an instructor opens in any browser.

Inline CSS and inline SVG charts (`svg.py`), no script, no font, no image, no link out: a
Content-Security-Policy of `default-src 'none'` says so to the browser too, so the page renders
offline and, should any text slip through unescaped, nothing in it could run or call home. Every
string that reaches the page (titles, exercise names, submission and file names, diagnoses) goes
through `svg.esc`."""

from __future__ import annotations

from tutor.grading.gradebook import format_points
from tutor.grading.insight.model import ClassInsight, percent
from tutor.grading.insight.svg import Column, Row, columns, esc, rows, share_bar

CHART_WIDTH = 960  #: the inner width of a section at full size; charts shrink with the window
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

STYLE = """
:root { --ink: #1f2933; --muted: #616e7c; --line: #d9e2ec; --paper: #ffffff; --tint: #f5f7fa;
  --pass: #2f9e44; --bar: #3b5bdb; --mistake: #e8590c; --public: #1c7ed6; --hidden: #7048e8;
  --flag: #c2255c; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--tint); color: var(--ink);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", sans-serif; }
main { max-width: 1100px; margin: 0 auto; padding: 28px 32px 48px; }
header .kicker { margin: 0; color: var(--muted); font-size: 13px; letter-spacing: .04em;
  text-transform: uppercase; }
h1 { margin: 4px 0 4px; font-size: 28px; }
h2 { margin: 0 0 12px; font-size: 20px; }
h3 { margin: 18px 0 6px; font-size: 15px; }
.meta, .note { color: var(--muted); margin: 0; }
section { background: var(--paper); border: 1px solid var(--line); border-radius: 8px;
  padding: 20px 24px; margin-top: 20px; }
.cards { display: flex; gap: 16px; flex-wrap: wrap; background: none; border: 0; padding: 0; }
.card { flex: 1 1 180px; background: var(--paper); border: 1px solid var(--line);
  border-radius: 8px; padding: 14px 18px; }
.card .big { font-size: 26px; font-weight: 650; }
.card .small { color: var(--muted); font-size: 13px; }
.callout { border-left: 6px solid var(--mistake); }
.callout .big { font-size: 22px; font-weight: 650; }
table { border-collapse: collapse; width: 100%; font-size: 14px; }
th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid var(--line);
  vertical-align: top; }
th { font-weight: 600; color: var(--muted); }
td.num, th.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td.id { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 13px;
  white-space: nowrap; }
.chart { display: block; max-width: 100%; height: auto; margin: 4px 0; }
.chart text { font: 12px system-ui, sans-serif; fill: var(--ink); }
.chart .tick, .chart .label { fill: var(--muted); }
.chart .figure { font-weight: 600; }
.grid { stroke: var(--line); stroke-width: 1; }
.axis { stroke: var(--muted); stroke-width: 1; }
.track { fill: var(--tint); stroke: var(--line); }
.bar { fill: var(--bar); }
.bar.pass { fill: var(--pass); }
.bar.mistake { fill: var(--mistake); }
.bar.public { fill: var(--public); }
.bar.hidden { fill: var(--hidden); }
.share { vertical-align: middle; margin-right: 8px; }
.legend span { display: inline-block; margin-right: 18px; color: var(--muted); font-size: 13px; }
.legend i { display: inline-block; width: 12px; height: 12px; border-radius: 2px;
  margin-right: 6px; vertical-align: -1px; }
.flag { color: var(--flag); font-weight: 600; white-space: nowrap; }
.instructor-only { border-left: 6px solid var(--flag); }
footer { color: var(--muted); font-size: 13px; margin-top: 24px; }
@media print { body { background: #fff; } section, .card { break-inside: avoid; } }
"""


def _pct(fraction: float) -> str:
    return percent(fraction)


def _cards(ci: ClassInsight) -> str:
    mean_share = ci.mean / ci.max_score if ci.max_score else 0.0
    cards = [
        ("Submissions", str(ci.submissions), "graded" + (" on hidden cases" if ci.hidden
                                                           else " on public cases")),
        ("Mean", f"{format_points(ci.mean)}/{format_points(ci.max_score)}",
         f"{_pct(mean_share)} of the points"),
        ("Median", format_points(ci.median),
         f"lowest {format_points(ci.lowest)} · highest {format_points(ci.highest)}"),
    ]
    if ci.min_score is not None:
        cards.append(("Below the minimum", str(ci.below_min_score),
                      f"of {ci.submissions} scored under {format_points(ci.min_score)}"))
    return '<section class="cards">' + "".join(
        f'<div class="card"><div class="small">{esc(name)}</div><div class="big">{esc(value)}'
        f'</div><div class="small">{esc(note)}</div></div>' for name, value, note in cards) + \
        "</section>"


def _most_common(ci: ClassInsight) -> str:
    if not ci.mistakes:
        return ""
    top = ci.mistakes[0]
    return (f'<section class="callout" id="most-common"><div class="small note">Most common '
            f'known mistake</div><div class="big">{esc(_pct(top.share))} of the class '
            f"({top.count} of {top.submitted} who handed in {esc(top.exercise)}): "
            f"{esc(top.label)}</div><p>{esc(top.description)}</p></section>")


def _distribution(ci: ClassInsight) -> str:
    cols = [Column(b.label, b.count, str(b.count) if b.count else "",
                   f"{b.count} submission{'s' if b.count != 1 else ''} scored {b.label}")
            for b in ci.distribution]
    return ('<section id="distribution"><h2>Score distribution</h2>'
            '<p class="note">Submissions by total score, as a share of the maximum '
            f"({format_points(ci.max_score)} points).</p>"
            + columns(cols, title="Score distribution: submissions per 10% of the maximum",
                      width=CHART_WIDTH, whole=True) + "</section>")


def _exercises(ci: ClassInsight) -> str:
    bars = [Row(e.id, e.pass_rate, f"{_pct(e.pass_rate)} passed · mean "
                f"{format_points(e.mean)}/{format_points(e.max_score)}"
                + (f" · {e.missing} missing" if e.missing else ""),
                f"{e.name}: {e.passed} of {e.total} passed") for e in ci.exercises]
    body = "".join(
        f'<tr><td class="id">{esc(e.id)}</td><td>{esc(e.name)}</td>'
        f'<td class="num">{e.passed}/{e.total}</td><td class="num">{esc(_pct(e.pass_rate))}</td>'
        f'<td class="num">{esc(format_points(e.mean))}/{esc(format_points(e.max_score))}</td>'
        f'<td class="num">{e.submitted}</td><td class="num">{e.missing}</td></tr>'
        for e in ci.exercises)
    return ('<section id="exercises"><h2>Per exercise</h2>'
            '<p class="note">Pass rate over the whole class (a missing file counts as not '
            "passed) and mean points.</p>"
            + rows(bars, title="Pass rate per exercise")
            + '<table id="exercise-table"><thead><tr><th>exercise</th><th>name</th>'
            '<th class="num">passed</th><th class="num">pass rate</th><th class="num">mean</th>'
            '<th class="num">handed in</th><th class="num">missing</th></tr></thead><tbody>'
            + body + "</tbody></table></section>")


def _mistakes(ci: ClassInsight) -> str:
    head = ('<section id="mistakes"><h2>What the class got wrong</h2>'
            '<p class="note">Known mistakes recognised in wrong answers, most common first. '
            "Share: of the submissions that handed the exercise in.</p>")
    if not ci.mistakes:
        return head + '<p id="no-mistakes">No known mistake was recognised.</p></section>'
    body = "".join(
        f'<tr class="mistake-row"><td class="num">'
        f'{share_bar(m.share, title=f"{_pct(m.share)} made this mistake")}'
        f"<strong>{esc(_pct(m.share))}</strong></td>"
        f'<td class="num">{m.count} of {m.submitted}</td><td class="id">{esc(m.exercise)}</td>'
        f"<td><strong>{esc(m.label)}</strong></td><td>{esc(m.description)}</td></tr>"
        for m in ci.mistakes)
    return (head + '<table id="mistakes-table"><thead><tr><th class="num">share</th>'
            '<th class="num">count</th><th>exercise</th><th>mistake</th>'
            "<th>what those students read</th></tr></thead><tbody>" + body
            + "</tbody></table></section>")


def _cases(ci: ClassInsight) -> str:
    head = ('<section id="cases"><h2>Pass rate per case</h2><p class="note">Of the files that '
            "ran on each case, the share that passed it. A case nobody passes may be a "
            'misconception, or a case worth explaining.</p><p class="legend">'
            + "".join(f'<span><i style="background:var(--{kind})"></i>{kind} cases</span>'
                      for kind in ("public", "hidden")
                      if any(c.hidden == (kind == "hidden") for c in ci.cases))
            + "</p>")
    charts = []
    for e in ci.exercises:
        cases = ci.cases_of(e.id)
        if not cases:
            continue
        cols = [Column(str(c.index + 1), c.rate * 100, _pct(c.rate),
                       f"{c.label}: {c.passed} of {c.total} passed",
                       "bar hidden" if c.hidden else "bar public") for c in cases]
        charts.append(f'<h3><span class="id">{esc(e.id)}</span> · {esc(e.name)}</h3>'
                      + columns(cols, title=f"Pass rate per case of {e.id}", top=100,
                                tick_format="{:g}%", width=CHART_WIDTH, height=180))
    if not charts:
        charts.append('<p class="note">This report holds no per-case outcomes.</p>')
    return head + "".join(charts) + "</section>"


def _honesty(ci: ClassInsight) -> str:
    head = ('<section id="honesty" class="instructor-only"><h2>Honesty signals</h2>'
            '<p class="note">For the instructor only: students never see these. A signal is a '
            "reason to read the code, not a verdict.</p>")
    if not ci.honesty:
        return head + '<p id="no-signals">None found.</p></section>'
    body = "".join(
        f'<tr class="signal-row"><td class="flag">{esc(s.label)}</td>'
        f'<td class="id">{esc(s.exercise or "-")}</td>'
        f"<td>{esc(', '.join(s.submissions))}</td>"
        f"<td>{esc(s.detail)}{' (' + esc(s.file) + ')' if s.file else ''}</td></tr>"
        for s in ci.honesty)
    return (head + '<table id="honesty-table"><thead><tr><th>signal</th><th>exercise</th>'
            "<th>submissions</th><th>detail</th></tr></thead><tbody>" + body
            + "</tbody></table></section>")


def render(ci: ClassInsight) -> str:
    isolation = ci.isolation or "not recorded"
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="robots" content="noindex">\n'
        f"<title>Class report · {esc(ci.title)}</title>\n<style>{STYLE}</style>\n</head>\n"
        "<body>\n<main>\n<header><p class=\"kicker\">dltutor · class report · for the "
        f"instructor</p><h1>{esc(ci.title)}</h1><p class=\"meta\">{ci.submissions} "
        f"submission{'s' if ci.submissions != 1 else ''} · "
        f"{'hidden' if ci.hidden else 'public'} cases · isolation: {esc(isolation)}</p>"
        "</header>\n"
        + "\n".join([_cards(ci), _most_common(ci), _distribution(ci), _exercises(ci),
                     _mistakes(ci), _cases(ci), _honesty(ci)])
        + "\n<footer>Made by <code>dltutor</code>. The same figures are in report.json and "
        "report.txt beside this page.</footer>\n</main>\n</body>\n</html>\n")
