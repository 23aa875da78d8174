"""Formulas in lesson Markdown become readable Unicode; code stays exactly as written."""

from __future__ import annotations

from tutor.app.formulas import label_bare_fences, latex_to_unicode, readable_formulas


def test_common_latex_becomes_unicode() -> None:
    assert latex_to_unicode(r"\sigma(z) = \frac{1}{1+e^{-z}}") == "σ(z) = 1/(1+e^(-z))"
    assert latex_to_unicode(r"\frac{1}{n}\sum_{i=1}^{n} \ell(\hat{y}_i, y_i)") == \
        "1/n Σᵢ₌₁ⁿ ℓ(y\u0302ᵢ, yᵢ)"  # y with a combining circumflex
    assert latex_to_unicode(r"W^\top x, \theta_{t+1}, x \in \mathbb{R}^{d}") == \
        "Wᵀ x, θₜ₊₁, x ∈ ℝ^d"
    assert "\\" not in latex_to_unicode(r"\nabla_\theta L \approx \sqrt{v_t} + \epsilon")


def test_markdown_math_is_converted_outside_code_only() -> None:
    source = ("Cost $5 and $10. Formula $a^2 + b^2 = c^2$.\n\n"
              "`$x^2$` stays, and so does\n\n```python\ny = '$\\frac{1}{2}$'\n```\n")
    out = readable_formulas(source)
    assert "Cost $5 and $10." in out  # prices are not formulas
    assert "a² + b² = c²" in out
    assert "`$x^2$`" in out
    assert "y = '$\\frac{1}{2}$'" in out


def test_display_math_gets_its_own_block() -> None:
    out = readable_formulas("Before $$\\frac{a}{b}$$ after")
    assert "\n\n    a/b\n\n" in out


def test_bare_fences_are_labelled_text_and_others_kept() -> None:
    source = "```\nz = w·x + b\n```\n\n```python\nprint(1)\n```\n~~~\nplain\n~~~\n"
    out = label_bare_fences(source)
    assert out.count("```text") == 1 and "~~~text" in out
    assert "```python\nprint(1)\n```" in out
    assert out.count("```\n") == 2  # closing fences untouched
