"""Make formulas readable in a terminal: LaTeX math in lesson Markdown becomes Unicode.

Lessons are written with Unicode formulas (`ŷ = σ(w·x + b)`), as docs/content-format.md asks, but
an instructor's pack may carry `$\\frac{1}{n}\\sum_i ...$` copied from elsewhere. Rather than show
that raw, the common macros are turned into their Unicode look-alikes. Code (fenced blocks and
`inline code`) is left exactly as written. Pure text in, text out: no Textual here."""

from __future__ import annotations

import re

SYMBOLS = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "varepsilon": "ε",
    "zeta": "ζ", "eta": "η", "theta": "θ", "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ",
    "pi": "π", "rho": "ρ", "sigma": "σ", "tau": "τ", "phi": "φ", "varphi": "φ", "chi": "χ",
    "psi": "ψ", "omega": "ω", "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ",
    "Sigma": "Σ", "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω", "sum": "Σ", "prod": "Π",
    "partial": "∂", "nabla": "∇", "infty": "∞", "cdot": "·", "times": "×", "div": "÷",
    "pm": "±", "le": "≤", "leq": "≤", "ge": "≥", "geq": "≥", "ne": "≠", "neq": "≠",
    "approx": "≈", "sim": "∼", "equiv": "≡", "in": "∈", "notin": "∉", "subset": "⊂",
    "odot": "⊙", "otimes": "⊗", "oplus": "⊕", "circ": "∘", "to": "→", "rightarrow": "→",
    "leftarrow": "←", "Rightarrow": "⇒", "mapsto": "↦", "forall": "∀", "exists": "∃",
    "int": "∫", "sqrt": "√", "ldots": "…", "cdots": "⋯", "dots": "…", "log": "log",
    "ln": "ln", "exp": "exp", "max": "max", "min": "min", "arg": "arg", "tanh": "tanh",
    "top": "ᵀ", "quad": "  ", "qquad": "    ", ",": " ", ";": " ", "!": "", " ": " ",
    "ell": "ℓ", "{": "{", "}": "}", "|": "‖", "lVert": "‖",
    "rVert": "‖", "langle": "⟨", "rangle": "⟩", "left": "", "right": "",
}
SUPERSCRIPT = str.maketrans("0123456789+-=()niT", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱᵀ")
SUBSCRIPT = str.maketrans("0123456789+-=()aeijklmnoprstuvx", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ")
ACCENTS = {"hat": "\u0302", "bar": "\u0304", "tilde": "\u0303", "dot": "\u0307", "vec": "\u20d7"}

_CODE = re.compile(r"(```.*?```|~~~.*?~~~|`[^`\n]*`)", re.DOTALL)
_MATH = re.compile(r"\$\$(.+?)\$\$|(?<![\\$\w])\$(?!\s)([^$\n]+?)(?<!\s)\$(?![\w$])", re.DOTALL)
_GROUP = r"\{((?:[^{}]|\{[^{}]*\})*)\}"


def _script(text: str, table: dict[int, int], marker: str) -> str:
    converted = text.translate(table)
    if all(ord(c) in table or c == " " for c in text):
        return converted
    return f"{marker}({text})" if len(text) > 1 else f"{marker}{text}"


def _atom(text: str) -> str:
    """Parenthesise a fraction's part unless it is one token (`1/n`, but `(a+b)/(2n)`)."""
    text = text.strip()
    return text if re.fullmatch(r"\\?\w+", text) else f"({text})"


def latex_to_unicode(math: str) -> str:
    """One formula, LaTeX in, Unicode out (best effort: unknown macros lose their backslash)."""
    s = math.strip()
    s = re.sub(r"\\(?:mathrm|text|mathbf|boldsymbol|operatorname|mathit)" + _GROUP, r"\1", s)
    s = re.sub(r"\\mathbb\{R\}", "ℝ", s)
    for _ in range(3):  # nested fractions and roots, innermost first
        s = re.sub(r"\\[dt]?frac" + _GROUP + _GROUP,
                   lambda m: f"{_atom(m.group(1))}/{_atom(m.group(2))} ", s)
        s = re.sub(r"\\sqrt" + _GROUP, lambda m: f"√({m.group(1)})", s)
        s = re.sub(r"\\(" + "|".join(ACCENTS) + r")" + _GROUP,
                   lambda m: "".join(c + ACCENTS[m.group(1)] for c in m.group(2)), s)
    s = re.sub(r"\\(" + "|".join(ACCENTS) + r")\s+(\w)", lambda m: m.group(2) + ACCENTS[m.group(1)], s)
    s = re.sub(r"\\([A-Za-z]+|[,;! |{}])", lambda m: SYMBOLS.get(m.group(1), m.group(1)), s)
    s = s.replace("^ᵀ", "ᵀ")
    s = re.sub(r"\^" + _GROUP, lambda m: _script(m.group(1), SUPERSCRIPT, "^"), s)
    s = re.sub(r"_" + _GROUP, lambda m: _script(m.group(1), SUBSCRIPT, "_"), s)
    s = re.sub(r"\^(\w)", lambda m: _script(m.group(1), SUPERSCRIPT, "^"), s)
    s = re.sub(r"_(\w)", lambda m: _script(m.group(1), SUBSCRIPT, "_"), s)
    s = s.replace("{", "").replace("}", "")
    s = re.sub(r" +([),.;])", r"\1", s).strip()
    return re.sub(r"[ \t]{2,}", " ", s) if "\n" not in s else s


_BARE_FENCE = re.compile(r"^(\s{0,3})(```|~~~)[ \t]*$")


def label_bare_fences(markdown: str) -> str:
    """Give every fence that names no language the language `text`.

    Lessons fence formulas and diagrams without a language. Left bare, the renderer asks
    Pygments to guess the language of each block (~35 ms apiece: a lesson took seconds to open)
    and colours formulas as if they were code."""
    out: list[str] = []
    inside = False
    for line in markdown.split("\n"):
        match = _BARE_FENCE.match(line)
        if not inside and match:
            line = f"{match.group(1)}{match.group(2)}text"
            inside = True
        elif not inside and line.lstrip().startswith(("```", "~~~")):
            inside = True
        elif inside and line.strip() in ("```", "~~~"):
            inside = False
        out.append(line)
    return "\n".join(out)


def readable_formulas(markdown: str) -> str:
    """The Markdown ready for a terminal: `$...$` / `$$...$$` outside code turned into Unicode,
    and bare code fences labelled as plain text."""
    markdown = label_bare_fences(markdown)
    if "$" not in markdown:
        return markdown
    out: list[str] = []
    for i, part in enumerate(_CODE.split(markdown)):
        if i % 2:  # a code span or block: verbatim
            out.append(part)
            continue

        def convert(m: re.Match[str]) -> str:
            if m.group(1) is not None:  # display math: its own code-free line block
                return "\n\n    " + latex_to_unicode(m.group(1)) + "\n\n"
            return latex_to_unicode(m.group(2))

        out.append(_MATH.sub(convert, part))
    return "".join(out)
