"""Keyboard only, every page: Tab reaches every control (main and sidebar) and each shows where the focus is."""

import pytest

from tests.browser.server import wait_until_idle
from tests.browser.test_pages_browser import url_path
from ui.shell import PAGES

pytestmark = pytest.mark.browser

# Controls a visitor can Tab to: enabled, shown, in the tab order. A radio group (st.radio, a segmented control)
# is one stop: the arrow keys move inside it (WAI-ARIA's radio group pattern).
GROUP = """e => (e.type === 'radio' || e.getAttribute('role') === 'radio')
    ? e.closest('[role="radiogroup"], [data-testid="stButtonGroup"]') : null"""
MARK_CONTROLS = (
    """() => { const groupOf = """
    + GROUP
    + """;
    const found = [...document.querySelectorAll('[data-testid="stMain"], [data-testid="stSidebar"]')].flatMap(root =>
        [...root.querySelectorAll('button, a[href], input, textarea, select, summary, [role="slider"], [tabindex="0"]')]);
    const stops = [], groups = new Set();
    for (const e of new Set(found)) {
        const group = groupOf(e);
        if (e.disabled || e.tabIndex < 0 || !e.checkVisibility({visibilityProperty: true}) && !group) continue;
        if (group && groups.has(group)) continue;
        if (group) groups.add(group);
        e.dataset.a11yStop = stops.length;
        stops.push((e.getAttribute('aria-label') || e.innerText || e.type || e.tagName).trim().slice(0, 40));
    }
    return stops;
}"""
)
FOCUSED_STOP = (
    """() => { const e = document.activeElement, groupOf = """
    + GROUP
    + """;
    const group = e ? groupOf(e) : null;
    const marked = group ? group.querySelector('[data-a11y-stop]') : e && e.closest('[data-a11y-stop]');
    if (!marked) return null;
    const r = e.getBoundingClientRect();
    return {stop: Number(marked.dataset.a11yStop), box: [r.x, r.y, r.width, r.height]}; }"""
)


def clip(box: list[float], page) -> dict:
    """The focused element's box with room for a focus ring around it, inside the viewport."""
    x, y, w, h = box
    left, top = max(0, x - 6), max(0, y - 6)
    size = page.viewport_size
    return {"x": left, "y": top, "width": min(w + 12, size["width"] - left), "height": min(h + 12, size["height"] - top)}


@pytest.mark.parametrize("script", [p.script for p in PAGES])
def test_tab_reaches_every_control_with_visible_focus(script, server, page):
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(f"{server}/{url_path(script)}")
    wait_until_idle(page, 180_000)
    stops = page.evaluate(MARK_CONTROLS)
    reached, invisible = set(), []
    for _ in range(3 * len(stops) + 10):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED_STOP)
        if focused is None or focused["stop"] in reached:
            continue
        reached.add(focused["stop"])
        page.evaluate("document.activeElement.scrollIntoView({block: 'center'})")
        focused = page.evaluate(FOCUSED_STOP)
        area = clip(focused["box"], page)
        with_focus = page.screenshot(clip=area)
        page.evaluate("document.activeElement.blur()")  # Tab goes on from here: the focus navigation starting point
        if page.screenshot(clip=area) == with_focus:
            invisible.append(stops[focused["stop"]])
        if len(reached) == len(stops):
            break
    assert [stops[i] for i in range(len(stops)) if i not in reached] == [], "not reachable with Tab"
    assert invisible == [], "no visible focus"
