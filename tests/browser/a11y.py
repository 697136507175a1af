"""Accessibility checks in a real browser: axe-core (bundled by axe-playwright-python) and the checks axe lacks."""

import fnmatch
import tomllib
from dataclasses import dataclass
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe

from tests.browser.server import wait_until_idle
from tests.colour import contrast

FAILED_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]  # WCAG 2.1 AA: a violation fails the test
REPORTED_TAGS = ["best-practice", "wcag22aa"]  # reported in the test's output, never failed
ALLOWLIST = Path(__file__).with_name("a11y_allowlist.toml")
PHONE = {"width": 390, "height": 844}
VAGUE_NAME = "Vega visualization"  # vega-embed's aria-label for a chart without a description
AXE = Axe()

# Streamlit scrolls inside stMain (and the sidebar inside its own box): the window never grows, so axe would see
# only the first screen. The tallest of these is the height the viewport needs to show everything at once.
CONTENT_HEIGHT = """() => Math.max(document.documentElement.scrollHeight, ...['stMain', 'stSidebarContent']
    .map(id => document.querySelector(`[data-testid="${id}"]`)?.scrollHeight ?? 0))"""

# Text drawn in a chart's SVG: its fill, the opacity it is drawn with, and the chart's background.
CHART_TEXT = """() => [...document.querySelectorAll('[data-testid="stVegaLiteChart"] svg.marks')].flatMap(svg => {
    const background = getComputedStyle(svg).backgroundColor;
    return [...svg.querySelectorAll('text')].filter(t => t.textContent.trim() && t.getBBox().width > 0).map(t => {
        let opacity = 1;
        for (let e = t; e && e !== svg; e = e.parentElement) opacity *= parseFloat(getComputedStyle(e).opacity);
        return {text: t.textContent.slice(0, 60), fill: getComputedStyle(t).fill, opacity, background};
    }).filter(t => t.opacity > 0);  // Vega hides overlapping labels with opacity 0
})"""

# Chart text drawn past its chart's edge: cut off (a legend wider than a phone, say), though no element overflows.
CUT_TEXT = """() => [...document.querySelectorAll('[data-testid="stVegaLiteChart"] svg.marks')].flatMap(svg => {
    const box = svg.getBoundingClientRect();
    return [...svg.querySelectorAll('text')].filter(t => {
        const r = t.getBoundingClientRect();
        const rotated = (t.getAttribute('transform') || '').includes('rotate');  // a y title's box overshoots its glyphs
        return t.textContent.trim() && r.width > 0 && parseFloat(getComputedStyle(t).opacity) > 0 && !rotated &&
            (r.right > box.right + 2 || r.left < box.left - 2);
    }).map(t => t.textContent.slice(0, 60));
})"""

CHART_NAMES = """() => [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')].map(c => ({
    name: c.getAttribute('aria-label'), canvas: !!c.querySelector('canvas.marks')}))"""

IMAGES_WITHOUT_ALT = """() => [...document.querySelectorAll('img')].filter(i => !(i.getAttribute('alt') || '').trim())
    .map(i => i.outerHTML.slice(0, 120))"""

# Elements sticking out past the viewport's edges, unless a box inside the page that itself fits clips or scrolls
# them (a progress bar's sliding fill, a wide table): the outermost such element each, where it spans.
OVERFLOWING = """() => {
    const width = document.documentElement.clientWidth, main = document.querySelector('[data-testid="stMain"]');
    const held = e => { for (let a = e.parentElement; a && a !== main; a = a.parentElement)  // main scrolls the page
        if (getComputedStyle(a).overflowX !== 'visible' && a.getBoundingClientRect().right <= width + 1) return true;
        return false; };
    const wide = e => { const r = e.getBoundingClientRect();
        return r.width > 0 && r.height > 0 && (r.right > width + 1 || r.left < -1) && e.checkVisibility() && !held(e); };
    return [...main.querySelectorAll('*')].filter(e => wide(e) && !wide(e.parentElement)).map(e => {
        const r = e.getBoundingClientRect(), id = e.closest('[data-testid]')?.dataset.testid;
        return `${e.tagName.toLowerCase()} in ${id}: ${Math.round(r.left)}..${Math.round(r.right)} px of ${width}`; });
}"""


@dataclass(frozen=True)
class Allowed:
    """A violation caused by Streamlit's own chrome, which the app cannot change (a11y_allowlist.toml)."""

    rule: str
    selector: str  # matched as a substring of the element's CSS target or HTML
    states: tuple[str, ...]  # fnmatch patterns of the scanned states it applies to
    why: str
    upstream: str

    def applies(self, state: str) -> bool:
        return any(fnmatch.fnmatchcase(state, pattern) for pattern in self.states)

    def matches(self, rule: str, node: dict) -> bool:
        return rule == self.rule and (self.selector in " ".join(map(str, node["target"])) or self.selector in node["html"])


def allowlist() -> list[Allowed]:
    """The checked-in allowlist; every entry must give its rule, selector, states, reason and upstream issue."""
    entries = tomllib.loads(ALLOWLIST.read_text())["allowed"]
    return [Allowed(e["rule"], e["selector"], tuple(e["states"]), e["why"], e["upstream"]) for e in entries]


def fit_to_content(page, timeout_ms: int = 60_000) -> None:
    """Grow the viewport to the content's height (charts redraw at the new size) until it no longer changes."""
    width = page.viewport_size["width"]
    for _ in range(4):
        height = page.evaluate(CONTENT_HEIGHT)
        if height <= page.viewport_size["height"]:
            break
        page.set_viewport_size({"width": width, "height": height})
        wait_until_idle(page, timeout_ms)


def axe(page, tags: list[str]) -> list[dict]:
    """axe-core's violations for these tags on the whole page."""
    options = {"runOnly": {"type": "tag", "values": tags}, "resultTypes": ["violations"]}
    return AXE.run(page, options=options).response["violations"]


def describe(violations: list[dict]) -> list[str]:
    """One line per element: rule, impact, CSS target, axe's message."""
    lines = []
    for v in violations:
        for node in v["nodes"]:
            message = " ".join(check["message"] for check in node.get("any", []) + node.get("all", []) + node.get("none", []))
            lines.append(f"{v['id']} ({v['impact']}) {' '.join(map(str, node['target']))[-120:]}: {message[:200]}")
    return lines


def chart_problems(page) -> list[str]:
    """What axe does not check: chart text below 4.5:1 or cut off, charts named only 'Vega visualization', images without alt."""
    low: dict[tuple[str, float], list[str]] = {}  # grouped by colour and ratio: one line for an axis style's labels
    for text in page.evaluate(CHART_TEXT):
        ratio = contrast(text["fill"], text["background"], text["opacity"])
        if ratio < 4.5:
            low.setdefault((text["fill"], round(ratio, 2)), []).append(text["text"])
    problems = [
        f"chart text in {fill} at {ratio}:1, {len(texts)} labels such as {texts[:4]}" for (fill, ratio), texts in low.items()
    ]
    for chart in page.evaluate(CHART_NAMES):
        if not chart["name"] or chart["name"] == VAGUE_NAME:
            problems.append(f"chart named only {chart['name']!r}: give it a description")
    problems += [f"image without alt text: {html}" for html in page.evaluate(IMAGES_WITHOUT_ALT)]
    problems += [f"chart text cut off at the chart's edge: {text!r}" for text in page.evaluate(CUT_TEXT)]
    return problems


def check(page, state: str, phone: bool = False) -> list[str]:
    """Every accessibility problem of the page as it is now (empty = passes); prints the reported-only findings."""
    fit_to_content(page)
    allowed, used = [a for a in allowlist() if a.applies(state)], set()
    kept = []
    for violation in axe(page, FAILED_TAGS):
        nodes = []
        for node in violation["nodes"]:
            hit = next((a for a in allowed if a.matches(violation["id"], node)), None)
            if hit is None:
                nodes.append(node)
            else:
                used.add(hit)
        if nodes:
            kept.append({**violation, "nodes": nodes})
    problems = describe(kept) + chart_problems(page)
    problems += [f"stale allowlist entry (matched nothing): {a.rule} {a.selector!r}" for a in allowed if a not in used]
    if phone:
        problems += [f"wider than the phone: {line}" for line in page.evaluate(OVERFLOWING)]
    for line in describe(axe(page, REPORTED_TAGS)):
        print(f"[{state}] reported, not failed: {line}")
    return problems
