"""Theory: one sigmoid neuron, cross-entropy vs MSE, and the p(1 − p) factor that starves MSE's gradient."""

import math

import pandas as pd
import streamlit as st
import torch

from core.theory import COSTS, NIELSEN_STARTS, neuron_curves, neuron_gradients, neuron_point, slowdown, z_grid
from ui import links, shell, theory_charts

shell.setup("Theory", links.Link("theory"))  # reads no link parameters: it warns about any
st.title("Theory: one neuron, two losses")
st.markdown(
    "A single neuron outputs **p = σ(z)**. Both losses are minimised at the same place, "
    "but their gradients with respect to the logit differ by one factor: MSE's chain rule through "
    "the sigmoid multiplies by **σ′(z) = p(1 − p)**, which vanishes exactly when the neuron is "
    "*confidently wrong*. Cross-entropy's log cancels that factor, leaving **p − y**."
)

controls, figures = st.columns([1, 2], gap="large")
with controls:
    mode = st.segmented_control("Set the logit", ["z directly", "w · x + b"], default="z directly", required=True, key="mode")
    if mode == "z directly":
        z = st.slider("logit z", -10.0, 10.0, -4.6, 0.1, key="z")
    else:  # the same neuron written as a weight, a bias and an input
        w = st.slider("weight w", -5.0, 5.0, 2.0, 0.1, key="w")
        b = st.slider("bias b", -5.0, 5.0, 2.0, 0.1, key="b")
        x = st.slider("input x", -2.0, 2.0, 1.0, 0.1, key="x")
        z = w * x + b
        st.caption(f"z = w·x + b = {z:.2f}; ∂L/∂w = x·∂L/∂z, so both losses keep the ratio below.")
    y = st.segmented_control("label y", [1, 0], default=1, required=True, key="y")
    half = st.toggle("Textbook MSE convention: ½(σ(z) − y)²", value=True, key="half")

point = neuron_point(z, y, half)
mse_name = "½(σ(z) − y)²" if half else "(σ(z) − y)²"
ratio = "∞" if math.isinf(point["ratio"]) else f"{point['ratio']:.4g}×"
with controls:
    log_axis = st.toggle("Gradient magnitude on a log axis", value=False, key="log")
    wrong = (y == 1 and point["p"] < 0.1) or (y == 0 and point["p"] > 0.9)
    if wrong:
        st.warning(
            f"Confidently wrong: p(1 − p) = {point['factor']:.4f}, so MSE's gradient is {ratio} smaller than cross-entropy's."
        )

z_max = max(10.0, math.ceil(abs(z)) + 1.0)
curves = neuron_curves(z_grid(z_max), y, half)
marks = neuron_curves(torch.tensor([z], dtype=torch.float64), y, half)
with figures:
    cols = st.columns(2) + st.columns(2)
    cols[0].metric("∂CE/∂z = p − y", f"{point['ce_grad']:.4g}")
    cols[1].metric(f"∂MSE/∂z, MSE = {mse_name}", f"{point['mse_grad']:.4g}")
    cols[2].metric("p = σ(z)", f"{point['p']:.4f}")
    cols[3].metric(
        "|∂CE/∂z| / |∂MSE/∂z|", ratio, help="Equals 1 / (c·p(1 − p)), c = 1 for ½-MSE and 2 without the ½: independent of y."
    )
    st.altair_chart(
        theory_charts.neuron_panel(curves, "loss", z, marks, f"Loss against z (y = {y}); MSE = {mse_name}"), width="stretch"
    )
    gradient_title = f"{'|∂L/∂z|, log axis' if log_axis else '∂L/∂z'} against z (y = {y}); MSE = {mse_name}; dotted: p(1 − p)"
    st.altair_chart(theory_charts.neuron_panel(curves, "gradient", z, marks, gradient_title, log=log_axis), width="stretch")

st.subheader("The formulas")
c = r"\tfrac12" if half else ""
two = "" if half else "2"
left, right = st.columns(2)
with left:
    st.markdown("**Cross-entropy** (binary)")
    st.latex(r"L_{CE} = -\left[y\log p + (1-y)\log(1-p)\right], \\ p = \sigma(z)")  # two lines: fits a phone
    st.latex(r"\frac{\partial L_{CE}}{\partial z} = p - y")
with right:
    st.markdown("**Mean squared error** on the sigmoid output")
    st.latex(rf"L_{{MSE}} = {c}(p - y)^2")
    st.latex(rf"\frac{{\partial L_{{MSE}}}}{{\partial z}} = {two}(p - y)\,\underbrace{{p(1-p)}}_{{\sigma'(z)}}")
st.caption(
    "The ½ convention (Nielsen, most textbooks) makes the ratio exactly 1/(p(1 − p)): 4 at p = 0.5, "
    "about 101 at p = 0.01. PyTorch's nn.MSELoss has no ½, which doubles MSE's gradient; the training pages use it."
)

st.subheader("The learning slowdown, trained (Nielsen, chapter 3)")
st.markdown(
    "One sigmoid neuron, input 1, target 0, trained by gradient descent at the same learning rate with each cost. "
    "From (w, b) = (0.6, 0.9) the output starts at 0.82 and both costs learn. From (2, 2) it starts at 0.98: "
    "badly and confidently wrong. The quadratic cost barely moves for the first epochs, because its gradient "
    "carries σ′(z) ≈ 0.018; cross-entropy's does not."
)
lr_col, epochs_col = st.columns(2)
lr = lr_col.slider("learning rate η", 0.01, 1.0, 0.15, 0.01, key="nielsen_lr")
epochs = epochs_col.slider("epochs", 50, 1000, 300, 50, key="nielsen_epochs")
runs = slowdown(lr, epochs)
left, right = st.columns(2)
left.altair_chart(theory_charts.slowdown_chart(runs, "output", "Output a = σ(w + b) (target 0)"), width="stretch")
right.altair_chart(theory_charts.slowdown_chart(runs, "cost_value", "Cost"), width="stretch")
table = pd.DataFrame(
    [(start, cost, *neuron_gradients(w, b, cost)) for start, (w, b) in NIELSEN_STARTS.items() for cost in COSTS],
    columns=["start", "cost", "output a", "∂C/∂w", "∂C/∂b"],
)
st.dataframe(table, hide_index=True, column_config={c: st.column_config.NumberColumn(format="%.5f") for c in table.columns[2:]})
st.caption("Quadratic cost ½(a − y)²: ∂C/∂w = (a − y)σ′(z)x. Cross-entropy: ∂C/∂w = (a − y)x. Both by autograd in float64.")
