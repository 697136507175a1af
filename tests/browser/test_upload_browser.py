"""Real browser: upload a good CSV on the Loss race and race on it, then a bad one: one message, Start disabled; the
per-sample page takes a file too; the sample CSV downloads."""

import pytest

from core import tabular
from tests.bad_tables import BAD
from tests.browser.server import page_problems, streamlit_server, wait_until_idle

pytestmark = pytest.mark.browser


def open_upload(page, url: str, path: str):
    page.goto(f"{url}/{path}")
    wait_until_idle(page)
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_text("Your own data (CSV)").click()
    return sidebar


def test_upload_a_good_file_race_on_it_then_a_bad_one(page, artifacts, tmp_path):
    good, bad = tmp_path / "spiral_arms.csv", tmp_path / "broken.csv"
    good.write_bytes(tabular.sample_csv())
    bad.write_bytes(BAD["NaN"][0])
    with streamlit_server() as url:
        page.set_viewport_size({"width": 1400, "height": 2400})
        sidebar = open_upload(page, url, "loss_race?epochs=60")
        with page.expect_download() as download:
            sidebar.get_by_role("button", name="Sample CSV").click()
        assert download.value.suggested_filename == "loss_lab_sample.csv"
        assert download.value.path().read_bytes() == tabular.sample_csv()
        sidebar.locator('input[type="file"]').set_input_files(str(good))
        sidebar.get_by_text("spiral_arms.csv: 300 rows, 2 features, 3 classes (blue, green, red)").wait_for(timeout=60_000)
        wait_until_idle(page)
        assert page_problems(page) == []
        page.get_by_role("button", name="Start", exact=True).click()
        page.get_by_role("heading", name="Result").wait_for(timeout=120_000)
        wait_until_idle(page)
        assert page_problems(page) == [] and "Epoch 60 of 60" in page.inner_text("body")
        assert page.locator('[data-testid="stImage"] img').count() == 2  # 2-D: decision regions, one per loss
        page.get_by_text("Share this configuration").click()
        assert "Your uploaded data is not in this link" in page.inner_text("body") and "source=" not in page.url
        page.screenshot(path=artifacts / "upload_race_result.png", full_page=True)

        sidebar.locator('input[type="file"]').set_input_files(str(bad))
        page.locator('[data-testid="stAlertContentError"]').first.wait_for(timeout=60_000)
        wait_until_idle(page)
        errors = page.locator('[data-testid="stAlertContentError"]').all_inner_texts()
        assert len(errors) == 1 and "broken.csv: NaN or inf in column 'x2', row 3" in errors[0]
        assert page.get_by_role("button", name="Start", exact=True).is_disabled()
        assert page.locator('[data-testid="stException"]').count() == 0
        page.screenshot(path=artifacts / "upload_race_bad_file.png", full_page=True)


def test_per_sample_page_on_an_uploaded_file(page, artifacts, tmp_path):
    good = tmp_path / "spiral_arms.csv"
    good.write_bytes(tabular.sample_csv())
    with streamlit_server() as url:
        page.set_viewport_size({"width": 1400, "height": 2400})
        sidebar = open_upload(page, url, "per_sample_gradients?epochs=20")
        sidebar.locator('input[type="file"]').set_input_files(str(good))
        sidebar.get_by_text("spiral_arms.csv: 300 rows").wait_for(timeout=60_000)
        wait_until_idle(page, 120_000)
        assert page_problems(page) == []
        assert "N = 240 training samples" in page.inner_text("body")
        page.screenshot(path=artifacts / "upload_per_sample.png", full_page=True)
