"""WCAG contrast of what the page draws, measured in the browser from computed styles."""
from __future__ import annotations

# (selector) -> [{text, ratio, color, background}] for every visible element matched: its text
# colour against the first opaque background of it or its ancestors.
CONTRAST = """(selector) => {
  const parse = (c) => { const m = c.match(/rgba?\\(([^)]+)\\)/); if (!m) return null;
    const p = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number); return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1}; };
  const lum = ({r, g, b}) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
  const background = (el) => { for (let e = el; e; e = e.parentElement) { const c = parse(getComputedStyle(e).backgroundColor);
    if (c && c.a > 0.5) return c; } return {r: 255, g: 255, b: 255, a: 1}; };
  return [...document.querySelectorAll(selector)].filter((el) => el.getClientRects().length).map((el) => {
    const fg = parse(getComputedStyle(el).color), bg = background(el);
    const [l1, l2] = [lum(fg), lum(bg)].sort((a, b) => b - a);
    return {text: el.textContent.trim().slice(0, 40), ratio: (l1 + 0.05) / (l2 + 0.05), color: getComputedStyle(el).color,
            background: `rgb(${bg.r}, ${bg.g}, ${bg.b})`};
  });
}"""


def low_contrast(page, selector: str, minimum: float = 4.5) -> list[dict]:
    """The elements matching `selector` whose text falls below `minimum` (WCAG AA: 4.5 for body text)."""
    return [r for r in page.evaluate(CONTRAST, selector) if r["ratio"] < minimum]
