"""The chart colours: Okabe & Ito's colour-blind-safe set, only the members with ≥ 3:1 against white (WCAG 1.4.11).

Their light members (orange, sky blue, yellow) fall below 3:1 as lines on white and are left out. Every pair
used here stays ≥ 10 apart (CIEDE2000) seen with protanopia or deuteranopia (tests/test_palette.py).
"""

BLUE = "#0072b2"
VERMILLION = "#d55e00"
BLUISH_GREEN = "#009e73"
REDDISH_PURPLE = "#cc79a7"
BLACK = "#000000"
GREY = "#595959"  # reference lines and labels (floors, caps, formula curves): 7:1, text-safe too

SOLID = (1, 0)
REFERENCE_DASH = (1, 3)  # dotted: a floor, a cap, a curve that is not a loss

# Class colours (decision regions, the per-sample input space), class k drawn in CLASSES[k % 9]: every pair stays ≥ 10
# apart (CIEDE2000) seen normally or with protanopia or deuteranopia, both as points and as a decision region at full
# confidence, and each is ≥ 3:1 against white (tests/test_class_palette.py). Chosen from Tol's, Brewer's and category10's
# colours, most distinct first: Altair's category10 (the old regions) fails that at 3 classes, dark2 at 4.
CLASSES = ("#332288", "#999933", "#6699cc", "#000000", "#8c564b", "#009988", "#8c510a", "#882255", "#2166ac")
