"""Link tables: parsing each kind of parameter, unknown keys, class limits, and one reader of st.query_params."""

import re
from pathlib import Path

import pytest

from core.config import RunConfig
from ui import links

ROOT = Path(__file__).resolve().parents[1]
PANEL = links.Link("misuse", ("dataset", "classes", "lr"), RunConfig(dataset="blobs", classes=5), (2, 20),
                   {"dtype": links.choice(["float32", "float16"], "float32"), "gap": links.whole(1, 1000, 200)})  # fmt: skip


def test_defaults_and_good_values():
    config, values, ignored = links.read(PANEL, {})
    assert (config, values, ignored) == (PANEL.defaults, {"dtype": "float32", "gap": 200}, [])
    config, values, ignored = links.read(PANEL, {"lr": "0.05", "dtype": "float16", "gap": "50"})
    assert (config.lr, values, ignored) == (0.05, {"dtype": "float16", "gap": 50}, [])


def test_each_bad_value_is_named_and_keeps_its_default():
    config, values, ignored = links.read(PANEL, {"dtype": "float8", "gap": "9" * 5000, "lr": "banana", "utm": "x"})
    assert values == {"dtype": "float32", "gap": 200} and config == PANEL.defaults
    assert [re.match(r"(ignored|unknown parameter) '?(\w+)", w)[2] for w in ignored] == ["utm", "lr", "dtype", "gap"]
    assert links.read(PANEL, {"gap": "0"})[2] == ["ignored gap='0': a whole number from 1 to 1000"]


def test_class_limits_of_the_page():
    config, _, ignored = links.read(PANEL, {"classes": "50"})  # blobs allows 50, this page only 20
    assert config.classes == 5 and ignored == ["ignored classes=50: this page allows 2 to 20"]


@pytest.mark.parametrize("text,value", [("0", False), ("1", True), ("yes", False), ("", False)])
def test_flag(text, value):
    link = links.Link("x", extras={"on": links.flag()})
    _, values, ignored = links.read(link, {"on": text})
    assert values["on"] is value and len(ignored) == (text not in ("0", "1"))


def test_only_the_link_module_touches_query_params():
    """Every page reads and writes its link through ui/links.py."""
    hits = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in [*ROOT.glob("pages/*.py"), *ROOT.glob("ui/*.py"), ROOT / "app.py"]
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if "query_params" in line and path.name != "links.py"
    ]
    assert hits == []
