"""Colour-blind-safe charts: loss colours ≥ 10 apart (CIEDE2000) with protanopia and deuteranopia simulated
(Machado et al. 2009), in the registry and in every chart's colour scale; lines of different losses differ by dash."""

from itertools import combinations

import pandas as pd
import pytest
import torch

from core import misuse
from core.losses import LOSSES
from core.theory import neuron_curves, z_grid
from tests.colour import contrast, delta_e2000, lab, parse, simulate
from ui import grad_charts, misuse_charts, mse_fine_charts, race_charts, theory_charts

VISION = ["normal", "protanopia", "deuteranopia"]
MIN_DELTA_E = 10.0


def seen(hex_colour: str, vision: str):
    rgb = parse(hex_colour)[0]
    return lab(rgb if vision == "normal" else simulate(rgb, vision))


def delta_e(a: str, b: str, vision: str) -> float:
    return delta_e2000(seen(a, vision), seen(b, vision))


def test_colour_science_against_published_values():
    sharma = [  # Sharma, Wu & Dalal (2005), Table 1: L*a*b* pairs and their CIEDE2000
        ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
        ((50.0, 2.5, 0.0), (73.0, 25.0, -18.0), 27.1492),
        ((50.0, 2.49, -0.001), (50.0, -2.49, 0.0011), 7.2195),
        ((90.8027, -2.0831, 1.441), (91.1528, -1.6435, 0.0447), 1.4441),
    ]
    for first, second, expected in sharma:
        assert delta_e2000(first, second) == pytest.approx(expected, abs=1e-4)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)  # the classic 4.5:1 grey
    for vision in VISION[1:]:  # greys stay grey: each Machado row sums to 1
        assert simulate((0.5, 0.5, 0.5), vision) == pytest.approx((0.5, 0.5, 0.5), abs=2e-3)
    assert delta_e("#ff7f0e", "#2ca02c", "protanopia") < 2  # the old mse / mse-logits pair: indistinguishable


def raced_together() -> list[tuple[str, str]]:
    """Pairs of losses one race can hold (one-logit and C-logit losses never race together)."""
    return [(a, b) for a, b in combinations(LOSSES, 2) if LOSSES[a].binary == LOSSES[b].binary]


@pytest.mark.parametrize("vision", VISION)
def test_registry_colours_stay_apart(vision):
    for a, b in raced_together():
        assert delta_e(LOSSES[a].color, LOSSES[b].color, vision) >= MIN_DELTA_E, (a, b, vision)
        assert LOSSES[a].dash != LOSSES[b].dash, (a, b)
        assert contrast(LOSSES[a].color, "#ffffff") >= 3.0, a  # WCAG 1.4.11: a line against the white chart


def scales(spec, mark=None):
    """(colour range, mark, encoding) for every colour scale in a Vega-Lite dict, with the mark it sits on."""
    if isinstance(spec, list):
        for item in spec:
            yield from scales(item, mark)
    elif isinstance(spec, dict):
        mark = spec.get("mark", mark)
        encoding = spec.get("encoding", {})
        range_ = encoding.get("color", {}).get("scale", {}).get("range")
        if isinstance(range_, list):
            yield range_, mark.get("type") if isinstance(mark, dict) else mark, encoding
        for key, value in spec.items():
            if key != "encoding":
                yield from scales(value, mark)


def every_chart() -> dict[str, dict]:
    """Each chart builder's spec, on small real inputs."""
    many = ("ce", "mse", "mse-logits", "softmax-ce", "mae")
    charts = {f"race {i}": spec for i, spec in enumerate(race_charts.specs(many, race_charts.FINISHED))}
    charts["race, one logit"] = race_charts.loss_spec(("bce", "mse-sigmoid"))
    charts["race, as in Playground"] = race_charts.loss_spec(("square-tanh", "bce", "mse-sigmoid"))
    charts["timeline"] = grad_charts.timeline_spec(many, 0.1)
    charts["misuse loss"], charts["misuse confidence"] = misuse_charts.loss_spec(), misuse_charts.confidence_spec()
    sweep = misuse.class_sweep([2, 10])
    for i, panel in enumerate(misuse_charts.SWEEP_PANELS):
        charts[f"misuse sweep {i}"] = misuse_charts.sweep_chart(sweep, *panel).to_dict()
    limits = misuse.thresholds("float16")
    charts["stability"] = misuse_charts.stability_chart(misuse.stability_curve("float16", 20), limits, "float16").to_dict()
    runs = ["ce", "mse", "mse-logits", "mse-logits (k=5, M=5)"]
    noise = pd.DataFrame({"run": runs * 2, "x": [0.0] * 4 + [0.2] * 4, "val_accuracy": 0.5, "status": "ok"})
    charts["mse fine sweep"] = mse_fine_charts.sweep_chart(noise, "x", "x", "t").to_dict()
    curves = neuron_curves(z_grid(8.0, 41), 1, half_mse=True)
    marks = neuron_curves(torch.tensor([-4.6], dtype=torch.float64), 1, half_mse=True)
    for quantity in ["loss", "gradient"]:
        charts[f"neuron {quantity}"] = theory_charts.neuron_panel(curves, quantity, -4.6, marks, "t").to_dict()
    return charts


@pytest.mark.parametrize("vision", VISION)
def test_every_chart_scale_stays_apart(vision):
    found = 0
    for name, spec in every_chart().items():
        for colours, mark, encoding in scales(spec):
            found += 1
            for a, b in combinations(sorted(set(colours)), 2):
                assert delta_e(a, b, vision) >= MIN_DELTA_E, (name, a, b, vision)
            if mark == "line" and len(set(colours)) > 1:  # lines of different series differ by dash too
                dash = encoding.get("strokeDash")
                assert dash is not None, name  # by field, or by a condition on one series
                dashes = dash.get("scale", {}).get("range", [])
                assert len({tuple(d) for d in dashes}) == len(dashes), name
    assert found >= 15  # the walk reached the charts' colour scales
