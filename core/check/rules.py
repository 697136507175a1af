"""The rules (their ids are a contract: tests, CI users and the page depend on them), and each one's live demo link."""

from dataclasses import dataclass
from urllib.parse import urlencode

MISUSE, RACE = "/misuse_lab", "/loss_race"  # the pages' paths (pages/4_misuse_lab.py, pages/2_loss_race.py)
# Copies of core.misuse / core.data facts (tests/test_check_rules.py holds them equal): importing those pulls in
# torch, and the checker must stay a stdlib-only linter that a pre-commit hook starts in a blink.
MISUSE_CLASSES, MISUSE_DEFAULT_CLASSES = (2, 20), 5  # core.misuse.CLASS_LIMITS, core.misuse.DEFAULTS.classes (blobs)
SPIRALS_CLASSES = (2, 10)  # core.data.CLASS_RANGE["spirals"]
# Header anchors on the Misuse lab (Streamlit makes them from the header text; tests/browser checks they exist).
TRAINED, STABILITY, SIBLINGS = (
    "1-double-softmax-trained",
    "3-log-softmax-z-vs-log-softmax-z-numerical-stability",
    "4-sibling-mistakes-each-run-by-torch-just-now",
)
SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str
    title: str
    why: str  # two sentences: what goes wrong, and what it costs
    change: str  # what to change, when a corrected line cannot be written


RULES = {
    rule.id: rule
    for rule in [
        Rule("softmax-into-cross-entropy", "error", "Softmax before CrossEntropyLoss",
             "CrossEntropyLoss applies log_softmax itself, so probabilities get squashed twice and the model can never put "
             "more than e/(e + C − 1) on a class. The loss stays above log(1 + (C − 1)/e) and its gradient collapses "
             "while accuracy still rises, which is why the bug survives review.",
             "pass the raw logits (drop the softmax)"),
        Rule("sigmoid-into-bce-with-logits", "error", "Sigmoid before BCEWithLogitsLoss",
             "BCEWithLogitsLoss applies the sigmoid itself, so a second sigmoid squeezes σ(z) into [0.5, 0.73]. "
             "The loss cannot fall below log(1 + e⁻¹) for y = 1 or ln 2 for y = 0, and the gradient shrinks.",
             "pass the raw logits (drop the sigmoid)"),
        Rule("softmax-into-nll", "error", "Softmax into NLLLoss (the log is missing)",
             "NLLLoss only picks −input[y]: it expects log-probabilities. Given probabilities it returns −p_y, "
             "a negative loss bottoming out at −1 whose gradient vanishes when the model is confidently wrong.",
             "use log_softmax instead of softmax"),
        Rule("logits-into-bce", "error", "BCELoss on raw scores",
             "BCELoss takes probabilities in [0, 1]; raw scores from a Linear layer make it raise, or train on clipped logs. "
             "BCEWithLogitsLoss takes the logits and fuses the sigmoid with a stable log-sum-exp.",
             "use BCEWithLogitsLoss on the logits"),
        Rule("long-one-hot-target", "error", "Integer one-hot targets to CrossEntropyLoss",
             "An int64 target must hold class indices of shape (N,), so an integer one-hot (N, C) target makes "
             "CrossEntropyLoss raise. Pass the class indices, or float probabilities (one_hot(...).float()).",
             "pass the class indices (or .float() the one-hot)"),
        Rule("log-of-softmax", "warning", "log(softmax(z)) instead of log_softmax(z)",
             "softmax rounds a small probability to 0 and log(0) = −inf: in float32 from a logit gap of about 104, with NaN "
             "gradients from about 89 (in float16 from 17 and 11). log_softmax subtracts the largest logit first "
             "(log-sum-exp) and never forms the probability.",
             "use log_softmax"),
        Rule("mse-on-probabilities", "warning", "MSE on probabilities against class targets",
             "The square loss on softmax or sigmoid outputs carries a p(1 − p) factor that starves the gradient when the "
             "model is confidently wrong. Cross-entropy's gradient stays p − y, so it learns from exactly those samples.",
             "train with cross-entropy on the logits and class indices"),
        Rule("log-softmax-into-cross-entropy", "info", "log_softmax before CrossEntropyLoss (harmless)",
             "log_softmax is idempotent, so CrossEntropyLoss applied to log-probabilities gives the same loss and gradient. "
             "It is only redundant work; NLLLoss is the loss that expects log-probabilities.",
             "drop the log_softmax, or use NLLLoss"),
        Rule("syntax-error", "error", "The file does not parse",
             "Python cannot parse this file, so nothing in it was checked. Fix the syntax error and check again.",
             "fix the syntax error"),
    ]
}  # fmt: skip


def link(path: str, params: dict[str, object], anchor: str = "") -> str:
    query = urlencode({key: str(value) for key, value in params.items()})
    return path + (f"?{query}" if query else "") + (f"#{anchor}" if anchor else "")


def demo(rule: str, classes: int | None = None, binary: bool = False) -> str | None:
    """The app link that shows this mistake live, with the code's number of classes when it says it."""
    if rule == "softmax-into-cross-entropy":
        low, high = MISUSE_CLASSES
        shown = MISUSE_DEFAULT_CLASSES if classes is None else min(max(classes, low), high)
        return link(MISUSE, {"classes": shown}, TRAINED)
    if rule == "log-of-softmax":
        return link(MISUSE, {"dtype": "float32", "gap": 200}, STABILITY)  # log(softmax([0, 200]))[0] = −inf in float32
    if rule == "mse-on-probabilities":
        if binary:
            return link(RACE, {"dataset": "moons", "classes": 2, "losses": "bce,mse-sigmoid"})
        low, high = SPIRALS_CLASSES
        shown = 3 if classes is None else min(max(classes, low), high)
        return link(RACE, {"dataset": "spirals", "classes": shown, "losses": "ce,mse"})
    if rule == "syntax-error":
        return None
    return link(MISUSE, {}, SIBLINGS)  # the sibling mistakes, each run by torch as the page loads
