"""When is MSE fine? Calibration, label noise, and the square loss on logits — shown with runs, not prose."""

from dataclasses import replace

import streamlit as st

from core.experiments import CALIBRATION, CLASS_COUNTS, CLASSES, NOISE, SQUARE_K, SQUARE_M
from ui import cached, links, mse_fine_charts, shell

shell.setup("When is MSE fine?", links.Link("mse_fine"))  # reads no link parameters: it warns about any
st.title("When is MSE fine?")
st.markdown(
    "The common answer says MSE is *wrong* for classification. The precise answer: MSE on probabilities, "
    "summed over classes, **is the Brier score**, a strictly proper scoring rule: its minimum is also the true "
    "probabilities. Its trouble is **optimisation** (a vanishing gradient when confidently wrong, slower and "
    "init-sensitive training), not the optimum. Each claim below is a run you can change."
)

st.header("1. Calibration: MSE's probabilities are calibrated too")
left, right = st.columns([1, 2])
dataset = left.selectbox("Dataset", ["blobs", "moons", "spirals"], key="cal_dataset")
noise = left.slider("Input noise", 0.0, 1.5, 0.8, 0.1, key="cal_noise")
calibration_config = replace(CALIBRATION, dataset=dataset, classes=3 if dataset != "moons" else 2, noise=noise)
with st.spinner("Training cross-entropy and MSE from the same start…"):
    table, metrics = cached.calibration(calibration_config.to_dict())
right.altair_chart(mse_fine_charts.reliability_chart(table), width="stretch")
left.dataframe(metrics.drop(columns="status").set_index("loss").T.round(4))
st.caption(
    f"{calibration_config.samples} points, half held out; {calibration_config.epochs} epochs of Adam. ECE: expected calibration "
    "error over 10 confidence bins. Brier: mean ‖p − y‖². NLL: mean −log p_y. Lower is better for all three."
)

st.header("2. Label noise: cross-entropy weights each sample by 1/p_y")
st.markdown(
    "A flipped label is a sample the model *should* get wrong. Cross-entropy pushes hardest exactly there; "
    "MSE's push is bounded, and MAE on probabilities, ‖p − y‖₁ = 2(1 − p_y), is bounded and symmetric — robust "
    "to noise, but it can underfit (Ghosh et al. 2017; Zhang & Sabuncu 2018). Validation labels stay clean."
)
levels = st.multiselect("Label-noise fractions", [0.0, 0.1, 0.2, 0.3, 0.4, 0.5], default=[0.0, 0.2, 0.4], key="noise_levels")
if levels:
    with st.spinner("Training one race per noise level…"):
        sweep = cached.label_noise(NOISE.to_dict(), tuple(sorted(levels)))
    st.altair_chart(
        mse_fine_charts.sweep_chart(
            sweep, "label_noise", "label-noise fraction", "Validation accuracy after training on noisy labels"
        ),
        width="stretch",
    )
    st.dataframe(sweep.pivot_table(index="label_noise", columns="run", values="val_accuracy").round(3))

st.header("3. The square loss on logits keeps up (Hui & Belkin, ICLR 2021)")
st.markdown(
    "MSE on **softmax probabilities** degrades as the number of classes grows (Demirkaya et al. 2020): each "
    "wrong class carries a sliver of probability and gradient. The square loss on **raw logits** has no softmax "
    "to saturate; for many classes Hui & Belkin rescale it: weight **k** on the true class and target **M** for "
    "its logit."
)
k_col, m_col = st.columns(2)
k = k_col.slider("k (weight on the true class)", 1.0, 10.0, SQUARE_K, 0.5, key="square_k")
m = m_col.slider("M (target for the true logit)", 1.0, 15.0, SQUARE_M, 0.5, key="square_m")
with st.spinner(f"Training on {', '.join(map(str, CLASS_COUNTS[:-1]))} and {CLASS_COUNTS[-1]} classes…"):
    classes = cached.class_counts(CLASSES.to_dict(), CLASS_COUNTS, k, m)
st.altair_chart(
    mse_fine_charts.sweep_chart(
        classes, "classes", "classes C (log axis)", "Validation accuracy against the number of classes (blobs)", log_x=True
    ),
    width="stretch",
)
shown = classes.assign(result=classes.val_accuracy.round(3).astype(str).where(classes.status == "ok", "diverged"))
st.dataframe(shown.pivot_table(index="classes", columns="run", values="result", aggfunc="first"))
st.caption(
    "SGD with momentum, lr 0.1, 200 epochs, two hidden layers of 64. A rescaled loss has larger gradients: where it diverges, lower the learning rate."
)

st.header("What the research found")
st.markdown(
    """
- **Hui & Belkin (ICLR 2021)**: square loss on logits was comparable to or better than cross-entropy on most NLP and
  speech tasks, with cross-entropy keeping a slight edge in vision; it was less sensitive to initialization; for many
  classes they rescale (k, M). *Section 3 shows the rescaling at work on a toy task, not their benchmarks.*
- **Golik, Doetsch & Ney (2013)**: squared error from a random initialization did not reach a good optimum;
  it helped as fine-tuning after cross-entropy. *The Loss race's "Saturated start" preset shows the bad start.*
- **Demirkaya, Chen & Oymak (2020)**: quadratic loss degrades as the number of classes grows. *Section 3, MSE on softmax.*
- **Guo et al. (2017)**: modern networks trained with cross-entropy are often over-confident; temperature scaling fixes
  much of it. *Section 1 compares calibration on one small task; it does not reproduce their networks.*
- **Ghosh et al. (2017), Zhang & Sabuncu (2018)**: MAE is robust to label noise but underfits. *Section 2.*
"""
)
