"""Class colours, as drawn: the decision regions' fills and points and the per-sample input space stay ≥ 10 apart
(CIEDE2000) seen normally and with protanopia or deuteranopia (Machado et al. 2009), for every class count up to the
palette's size; each is ≥ 3:1 against white."""

from itertools import combinations

import pytest
import torch

from core.palette import CLASSES
from core.regions import region_image
from tests.colour import contrast, hex_of
from tests.test_palette import MIN_DELTA_E, VISION, delta_e
from ui import grad_charts

CATEGORY10 = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728"]  # Altair's scheme the decision regions used before
DARK2 = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a"]  # the input space's before


def drawn_regions(classes: int) -> tuple[list[str], list[str]]:
    """(fill of a fully confident region, training point) of each class, read back from core.regions' image."""
    probs = torch.eye(classes).unsqueeze(1)  # (G0 = C cells, G1 = 1, C): cell k is class k, confidence 1
    points = torch.tensor([[k + 0.5, 0.5] for k in range(classes)])  # one point in the middle of each cell
    image = region_image(probs, points, torch.arange(classes), pixels_per_cell=9)  # (9, 9 C, 3)
    fills = [hex_of(tuple(image[0, 9 * k].tolist()[i] / 255 for i in range(3))) for k in range(classes)]  # a corner
    dots = [hex_of(tuple(image[4, 9 * k + 4].tolist()[i] / 255 for i in range(3))) for k in range(classes)]  # the centre
    return fills, dots


@pytest.mark.parametrize("vision", VISION)
def test_class_colours_stay_apart_as_points_and_as_regions(vision):
    fills, dots = drawn_regions(len(CLASSES))
    assert dots == list(CLASSES)  # points are drawn in the palette's colours
    for colours in (dots, fills):
        for a, b in combinations(colours, 2):
            assert delta_e(a, b, vision) >= MIN_DELTA_E, (a, b, vision)
    assert all(contrast(c, "#ffffff") >= 3.0 for c in CLASSES)  # WCAG 1.4.11: a point against the white chart


def test_the_old_schemes_failed_with_few_classes():
    assert delta_e(CATEGORY10[1], CATEGORY10[2], "protanopia") < 2  # the Default's 3 classes: orange and green alike
    assert min(delta_e(a, b, v) for a, b in combinations(DARK2, 2) for v in VISION[1:]) < MIN_DELTA_E


@pytest.mark.parametrize("classes", [3, 9, 12])
def test_the_input_space_colours_classes_as_the_regions_do(classes):
    spec = grad_charts.scatter_spec(("ce", "mse"), classes, 0.1, False, True)
    space = spec["hconcat"][-1]
    scale = space["encoding"]["color"]["condition"]["scale"]
    assert scale["domain"] == list(range(classes))
    assert scale["range"] == [CLASSES[k % len(CLASSES)] for k in range(classes)]
    subtitle = " ".join(space["title"]["subtitle"])
    assert ("colours repeat after 9 classes" in subtitle) == (classes > len(CLASSES))
