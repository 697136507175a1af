"""Real browser: paste code into Check your code, see the finding marked at its line, follow its demo link to the anchor."""

import pytest

from core.check import rules as rule_table
from tests.browser.server import page_problems, streamlit_server, wait_until_idle

pytestmark = pytest.mark.browser
CODE = """import torch.nn as nn

model = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 7), nn.Softmax(dim=1))
criterion = nn.CrossEntropyLoss()
for x, y in loader:
    loss = criterion(model(x), y)
"""


def test_paste_code_see_findings_and_open_the_demo(page, artifacts):
    with streamlit_server() as url:
        page.set_viewport_size({"width": 1400, "height": 2000})
        page.goto(f"{url}/check_your_code")
        wait_until_idle(page)
        assert page_problems(page) == []
        box = page.get_by_label("Paste PyTorch code")
        box.fill(CODE)
        box.press("Control+Enter")  # a text area sends its value on Ctrl+Enter (or on leaving it)
        page.get_by_text("1 finding").wait_for(timeout=60_000)
        wait_until_idle(page)
        assert page_problems(page) == []
        body = page.inner_text("body")
        assert "softmax-into-cross-entropy" in body and "Line 6" in body and "# ◀ 1 softmax-into-cross-entropy" in body
        assert "+ model = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 7))" in body
        page.screenshot(path=artifacts / "check_your_code_finding.png", full_page=True)
        link = page.get_by_role("link", name="Watch this mistake train live in the Misuse lab →")
        href = link.get_attribute("href")
        assert href == f"misuse_lab?classes=7#{rule_table.TRAINED}"
        page.goto(f"{url}/{href}")
        wait_until_idle(page)
        assert page_problems(page) == [] and page.locator('[data-testid="stAlertContentWarning"]').count() == 0
        for anchor in (rule_table.TRAINED, rule_table.STABILITY, rule_table.SIBLINGS):  # the anchors the demo links name
            assert page.locator(f'[id="{anchor}"]').count() == 1
        assert "classes=7" in page.url  # the lab took the code's class count (and wrote its settings into the link)
        page.screenshot(path=artifacts / "check_your_code_demo.png")
