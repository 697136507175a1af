"""Misuse lab: softmax before CrossEntropyLoss trained live, its sibling mistakes run by torch, log(softmax) instability."""

import math

import streamlit as st

from core import mistakes, misuse
from ui import cached, config_form, links, live, shell
from ui import misuse_charts as charts

PAGE = "misuse"
KIND = "misuse"  # the views its frames draw (core.snapshots.KINDS)
GROUPS = {"Double-softmax race": ["dataset", "classes", "epochs", "optimizer", "lr"]}
PANEL = {"dtype": links.choice(list(misuse.DTYPES), "float32"), "gap": links.whole(1, misuse.MAX_GAP, 200)}  # section 3
LINK = links.Link(PAGE, tuple(GROUPS["Double-softmax race"]), misuse.DEFAULTS, misuse.CLASS_LIMITS, PANEL)
shell.setup("Misuse lab", LINK)
SWEEP_ROWS = [2, 3, 4, 10, 100, 1000]  # the class counts REFERENCE.md quotes
STABILITY_COLUMNS = {
    "naive": "naive log p₀", "naive_grad_z0": "naive ∂ℓ/∂z₀", "naive_grad_z1": "naive ∂ℓ/∂z₁",
    "log_softmax": "log_softmax log p₀", "log_softmax_grad_z0": "log_softmax ∂ℓ/∂z₀", "log_softmax_grad_z1": "log_softmax ∂ℓ/∂z₁",
}  # fmt: skip


st.title("Misuse lab: softmax before CrossEntropyLoss, and its siblings")
st.markdown(
    "`nn.CrossEntropyLoss` wants **raw logits**: it applies `log_softmax` itself. A model that already ends in softmax "
    "trains with a *doubled* softmax, and accuracy still rises, which is why the bug survives code review. "
    "Everything below is computed by torch as the page runs."
)
with st.sidebar:
    st.markdown("#### Settings")
    config, problem = config_form.config_form(LINK, GROUPS)
links.write(LINK, {key: str(st.session_state[f"{PAGE}.{key}"]) for key in PANEL})

st.header("1. Double softmax, trained", divider="gray")
left, right = st.columns(2)
left.code("probs = model(x).softmax(dim=1)  # bug\nloss = nn.CrossEntropyLoss()(probs, y)", language="python", wrap_lines=True)
right.code("logits = model(x)  # fix: raw scores\nloss = nn.CrossEntropyLoss()(logits, y)", language="python", wrap_lines=True)
st.markdown(
    "The inner softmax outputs q ∈ [0, 1]; the outer one can then put at most **e/(e + C − 1)** on any class "
    "(q one-hot), so the doubled loss can never go below **log(1 + (C − 1)/e)**. Both runs start from the same "
    "weights; change the settings in the sidebar."
)
if problem:
    st.warning(f"Fix this setting to train: {problem}", icon=":material/tune:")


def draw(s: live.Live) -> None:
    """One frame: progress, the numbers now, loss with its floor, accuracy, confidence, gradient ratio."""
    race = s.shown
    if race is None:
        waiting = live.waiting_note(s.ahead).capitalize() + "." if s.ahead else "Starting…"
        st.info(waiting if s.pending else "Press **Start** to train both runs.", icon=":material/play_arrow:")
        return
    c, history = race.config, race.table()
    floor, cap = misuse.floor(c.classes), misuse.max_probability(c.classes)
    st.progress(race.epoch / c.epochs, text=f"Epoch {race.epoch} of {c.epochs} · {c.dataset}, C = {c.classes}")
    for (name, _), status in zip(race.runs, race.status):
        if status != "ok":
            st.warning(f"**{name}** {status}; it stopped there.", icon=":material/warning:")
    latest = {record["run"]: record for record in race.history}  # a diverged run's stops early
    doubled, correct = latest[misuse.DOUBLED], latest[misuse.CORRECT]
    ratio = doubled["grad_norm"] / correct["grad_norm"] if correct["grad_norm"] else math.inf  # 0 once ce converged exactly
    cols = st.columns(3)
    cols[0].metric("softmax-ce loss", f"{doubled['loss']:.4f}", f"floor {floor:.4f}", delta_color="off", delta_arrow="off")
    cols[1].metric("ce loss", f"{correct['loss']:.4f}")
    cols[2].metric("‖∇θ‖ softmax-ce ÷ ‖∇θ‖ ce", f"{ratio:.3g}×", help="Gradient norms of the mean training loss, this epoch.")
    cols = st.columns(3)
    cols[0].metric("Largest probability softmax-ce can express", f"{cap:.4f}", help="e/(e + C − 1)")
    for column, (name, p) in zip(cols[1:], race.views.mean_confidence.items()):
        column.metric(f"{name}: mean largest probability", f"{p:.3f}", help="Mean over training samples.")
    left, right = st.columns(2)
    left.vega_lite_chart(charts.loss_data(history, floor, c.epochs), charts.loss_spec(), width="stretch")
    right.vega_lite_chart(charts.accuracy_data(history), charts.accuracy_spec(), width="stretch")
    left, right = st.columns(2)
    histogram = charts.confidence_data(race.views.confidence, cap)
    left.vega_lite_chart(histogram, charts.confidence_spec(), width="stretch")
    right.vega_lite_chart(charts.ratio_data(history), charts.ratio_spec(), width="stretch")


live.panel(PAGE, KIND, config, draw)

st.header("2. How it scales with the number of classes", divider="gray")
table = cached.misuse_sweep()
for column, panel in zip(st.columns(3), charts.SWEEP_PANELS):
    column.altair_chart(charts.sweep_chart(table, *panel), width="stretch")
right_class = cached.misuse_sweep((3,), 0).iloc[0]
st.caption(
    f"Gradients from `core.losses` (`ce` and `softmax-ce` dlogits) in float64. The true class is **class {misuse.TRUE_CLASS}**, "
    "a wrong one: the model is confidently wrong, where a gradient matters. (Were the true class class 0, which the logits "
    f"favour, the model would be right and both gradients small: at C = 3, ce {right_class.grad_ce:.3g} vs softmax-ce "
    f"{right_class.grad_doubled:.3g}.)"
)
named = {"floor": "floor", "max_prob": "largest probability", "grad_ce": "ce max|∂ℓ/∂z|", "grad_doubled": "softmax-ce max|∂ℓ/∂z|"}
rows = (
    table[table.C.isin(SWEEP_ROWS)]
    .set_index("C")[list(named) + ["shrink"]]
    .rename(columns={**named, "shrink": "ce ÷ softmax-ce"})
)
st.table(rows.map("{:.6g}".format))

st.header("3. log(softmax(z)) vs log_softmax(z): numerical stability", divider="gray")
left, right = st.columns(2)
left.caption("Naive: softmax, then log")
left.code("log_p = torch.log(torch.softmax(z, dim=-1))", language="python", wrap_lines=True)
right.caption("Stable: one fused op, log-sum-exp inside")
right.code("log_p = torch.log_softmax(z, dim=-1)", language="python", wrap_lines=True)
controls = st.columns([1, 2])
dtype = controls[0].segmented_control("dtype", list(misuse.DTYPES), key=f"{PAGE}.dtype", required=True)
gap = controls[1].slider("Largest logit gap s in z = [0, s]", 1, misuse.MAX_GAP, key=f"{PAGE}.gap")
limits = cached.misuse_thresholds().set_index("dtype")
st.altair_chart(charts.stability_chart(misuse.stability_curve(dtype, gap), limits.loc[dtype].to_dict(), dtype), width="stretch")
st.markdown("**Where the naive line breaks**: first s on a 0.01 grid, next to the limits of each dtype")
named = {"inf_from": "value −inf from s", "inf_predicted": "ln(2 / smallest subnormal)", "nan_from": "gradient NaN from s"}
st.table(limits.rename(columns={**named, "nan_predicted": "ln(largest finite)"}).map("{:.5g}".format))
values = misuse.stability_table(dtype, gap).rename(columns=STABILITY_COLUMNS)
st.markdown(f"**Values in {dtype}**, ℓ = −log p₀ (s as stored in {dtype})")
st.dataframe(values.map("{:.6g}".format).set_index("s"))  # a grid the keyboard can scroll, on a phone too
st.markdown(
    "The naive line first forms p₀ = e⁻ˢ/(1 + e⁻ˢ). Below half the smallest subnormal it rounds to **0**, and log 0 = −inf. "
    "Earlier still, backward divides by p₀: 1/p₀ overflows to inf, and the softmax backward then forms inf − inf: **NaN**. "
    "`log_softmax` never forms p₀. It subtracts m = max z first (the log-sum-exp trick):"
)
st.latex(r"\log \mathrm{softmax}(z)_i = (z_i - m) - \log \sum_j e^{z_j - m}, \\ m = \max_j z_j")  # two lines: fits a phone
st.markdown(
    "Every exponent is ≤ 0 and one equals 0, so the sum lies in [1, C]: no overflow, no log 0, a gradient of softmax − onehot."
)

st.header("4. Sibling mistakes, each run by torch just now", divider="gray")
for number, mistake in enumerate(mistakes.MISTAKES, 1):
    with st.container(border=True):
        st.markdown(f"**{number}. {mistake.title}**")
        for column, (label, snippet) in zip(st.columns(2), [("Wrong", mistake.wrong), ("Fix", mistake.fix)]):
            outcome = mistakes.run(snippet)
            column.caption(label)
            column.code(outcome.code, language="python", wrap_lines=True)
            column.caption("torch raised" if outcome.error else "torch returned")
            column.code(outcome.text, language=None, wrap_lines=True)
        st.markdown(f"**Why:** {mistake.why}")
with st.container(border=True):
    st.markdown("**The right way**: raw logits and integer class indices, checked against −log softmax")
    outcome = mistakes.run(mistakes.right_way)
    st.code(outcome.code, language="python", wrap_lines=True)
    st.code(outcome.text, language=None)

st.subheader("How to spot it in your own code")
st.markdown(
    """
- **Does `forward` end in `softmax` or `sigmoid`?** Then `CrossEntropyLoss` / `BCEWithLogitsLoss` squash twice. Return logits; apply softmax only when you need probabilities.
- **Loss stuck above zero while training accuracy is perfect?** Compare it with log(1 + (C − 1)/e) (section 2).
- **Largest predicted probability never above e/(e + C − 1)?** Same bug, seen from the outputs.
- **Negative loss?** Probabilities went into `NLLLoss` without the log.
- **−inf or NaN in float16/bfloat16?** Look for `log(softmax(…))` or `log(sigmoid(…))`; use `log_softmax` or the fused loss.
- **Targets:** int64 class indices of shape (N,), or float probabilities of shape (N, C); never int64 one-hot.
- **A five-second test:** logits = 100 × one-hot of the targets should give a loss ≈ 0.
"""
)

live.next_frame(PAGE)
