"""Loss Lab home: the short answer, and a way into each page."""

import streamlit as st

from ui import shell

shell.setup("Home")
st.title("Loss Lab")
st.subheader("Why do we train classifiers with cross-entropy, not MSE?")
st.markdown(
    """
**Short answer:** because of the gradient. With a softmax or sigmoid output, the gradient of
cross-entropy with respect to the logits is simply **p − y**: the more wrong the model, the harder it is
pushed. MSE on the same probabilities picks up the derivative of the squashing function,
**p(1 − p)** for a sigmoid, which goes to zero when the model is *confidently wrong*. Exactly the
samples that most need fixing get almost no gradient, so MSE trains slowly and depends on a lucky
start.

**The honest part:** MSE on probabilities (the Brier score) still has its minimum at the true
probabilities, and a square loss on raw logits can train well. The trouble is optimisation, not the
optimum. Loss Lab shows all of this with real PyTorch models, not slides.
"""
)

st.markdown("#### Pages")
for page in shell.PAGES[1:]:
    with st.container(border=True):
        st.page_link(page.script, label=page.label, icon=page.icon)
        st.caption(page.blurb)
st.caption("Also on the command line: `python -m core train --loss ce --loss mse --out history.csv`.")
