"""Loss Lab home: the one-paragraph answer, a live figure, and a card for each page."""

import streamlit as st
import torch

from core.theory import neuron_curves, neuron_point, z_grid
from ui import links, shell, theory_charts

shell.setup("Home", links.Link("home"))  # reads no link parameters: it warns about any
st.title("Loss Lab")
st.subheader("Why do we train classifiers with cross-entropy, not MSE?")

answer, figure = st.columns([1, 1], gap="large")
with answer:
    st.markdown(
        """
**Because of the gradient.** With a softmax or sigmoid output, the gradient of cross-entropy with respect
to the logits is simply **p − y**: the more wrong the model, the harder it is pushed. MSE on the same
probabilities picks up the derivative of the squashing function, **p(1 − p)** for a sigmoid, which goes to
zero when the model is *confidently wrong*. The samples that most need fixing get almost no gradient, so
MSE trains slowly and depends on a lucky start.

**The honest part:** MSE on probabilities (the Brier score) still has its minimum at the true
probabilities, and a square loss on raw logits can train well. The trouble is optimisation, not the
optimum. Every page below shows it with real PyTorch models, not slides.
"""
    )
with figure:
    curves = neuron_curves(z_grid(8.0, 161), 1, half_mse=True)
    marks = neuron_curves(torch.tensor([-4.6], dtype=torch.float64), 1, half_mse=True)
    st.altair_chart(
        theory_charts.neuron_panel(curves, "gradient", -4.6, marks, "|∂L/∂z| for y = 1, log axis", log=True), width="stretch"
    )
    point = neuron_point(-4.6, 1, half_mse=True)
    st.caption(
        f"Confidently wrong, z = −4.6 (p = {point['p']:.2f}): cross-entropy's gradient is {abs(point['ce_grad']):.2f}, "
        f"½-MSE's {abs(point['mse_grad']):.4f} — {point['ratio']:.0f}× smaller."
    )

if st.button("Start the tour: the answer in seven steps", type="primary", icon=":material/slideshow:"):
    st.switch_page("pages/6_tour.py")
st.markdown("#### Explore")
pages = shell.PAGES[1:]
for pair in [pages[i : i + 2] for i in range(0, len(pages), 2)]:  # row by row: stacked on a phone, still the sidebar's order
    for column, page in zip(st.columns(2), pair):
        with column.container(border=True):
            st.page_link(page.script, label=page.label, icon=page.icon)
            st.caption(page.blurb)
st.caption("Also on the command line: `python -m core train --loss ce --loss mse --out history.csv`.")
