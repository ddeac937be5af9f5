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


# Every visible piece of text on the page below WCAG AA: 4.5:1, or 3:1 for large text (24 px, or
# 18.66 px bold). Colours are the computed ones, the text's opacity (and its ancestors') blended in;
# the background is the first opaque one behind the text. Disabled controls are exempt (WCAG 1.4.3).
AA_FAILURES = """(root) => {
  const parse = (c) => { const m = c && c.match(/rgba?\\(([^)]+)\\)/); if (!m) return null;
    const p = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number); return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1}; };
  const lum = ({r, g, b}) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
  const mix = (a, b, t) => ({r: a.r * t + b.r * (1 - t), g: a.g * t + b.g * (1 - t), b: a.b * t + b.b * (1 - t)});
  const out = [];
  const walker = document.createTreeWalker(document.querySelector(root) || document.body, NodeFilter.SHOW_TEXT);
  const done = new Set();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!el || done.has(el) || !node.textContent.trim()) continue;
    done.add(el);
    if (!el.getClientRects().length || el.closest('[hidden], [aria-hidden="true"], .sr-only, option, :disabled, [disabled], dialog:not([open]), details:not([open]) > :not(summary)')) continue;
    const s = getComputedStyle(el);
    if (s.visibility !== 'visible' || parseFloat(s.fontSize) === 0) continue;
    let fg = parse(s.color), alpha = fg.a, bg = null;
    for (let e = el; e; e = e.parentElement) {
      const es = getComputedStyle(e);
      alpha *= parseFloat(es.opacity);
      const c = parse(es.backgroundColor);
      if (c && c.a > 0.5) { bg = c; break; }
    }
    bg = bg || {r: 255, g: 255, b: 255};
    const shown = mix(fg, bg, Math.min(1, alpha));
    const [l1, l2] = [lum(shown), lum(bg)].sort((a, b) => b - a);
    const ratio = (l1 + 0.05) / (l2 + 0.05);
    const size = parseFloat(s.fontSize), bold = parseInt(s.fontWeight, 10) >= 700;
    const need = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
    if (ratio < need - 0.01) out.push(`${ratio.toFixed(2)} < ${need}: "${node.textContent.trim().slice(0, 30)}" (${el.tagName.toLowerCase()}.${[...el.classList].join('.')}) ${s.color} on rgb(${bg.r}, ${bg.g}, ${bg.b})`);
  }
  return out;
}"""


def aa_failures(page, root: str = "body") -> list[str]:
    return page.evaluate(AA_FAILURES, root)
