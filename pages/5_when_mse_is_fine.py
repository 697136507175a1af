"""When is MSE fine? Calibration, label noise, and the square loss on logits — shown with runs, not prose."""

from dataclasses import replace

import pandas as pd
import streamlit as st

from core import experiments
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
calibration_config = replace(experiments.CALIBRATION, dataset=dataset, classes=3 if dataset != "moons" else 2, noise=noise)
with st.spinner("Training cross-entropy and MSE from the same start…"):
    table, metrics = cached.calibration(calibration_config.to_dict())
right.altair_chart(mse_fine_charts.reliability_chart(table), width="stretch")
left.dataframe(metrics.drop(columns="status").set_index("loss").T.round(4))
st.caption(
    f"{calibration_config.samples} points, half held out; {calibration_config.epochs} epochs of Adam. ECE: expected calibration "
    "error over 10 confidence bins. Brier: mean ‖p − y‖². NLL: mean −log p_y. Lower is better for all three."
)

st.header("2. Label noise: cross-entropy weights each sample by 1/p_y")
noise_config = experiments.NOISE
st.markdown(
    "A flipped label is a sample the model *should* get wrong. For the model's probability p_y of the label, "
    "∂CE/∂p_y = −1/p_y: the less the model believes a label, the harder cross-entropy pushes toward it. MSE's push "
    "there is small (it carries the softmax's slope), and MAE on probabilities, ‖p − y‖₁ = 2(1 − p_y), pushes in "
    "proportion to p_y: it leaves alone a label the model rejects, robust to noise but prone to underfit (Ghosh et al. "
    f"2017; Zhang & Sabuncu 2018). Here a network that can memorise ({noise_config.samples // 2} training points, two "
    f"hidden layers of {noise_config.hidden[0]}) trains {noise_config.epochs} epochs of SGD on labels of which a "
    "fraction were flipped to another class; validation labels stay clean."
)
levels = st.multiselect("Label-noise fractions", [0.0, 0.1, 0.2, 0.3, 0.4, 0.5], default=[0.0, 0.2, 0.4], key="noise_levels")
if levels:
    with st.spinner("Training one race per noise level…"):
        sweep = cached.label_noise(noise_config.to_dict(), tuple(sorted(levels)))
    end = experiments.last_checkpoints(sweep)
    domain = mse_fine_charts.accuracy_domain(end.accuracy, end.val_accuracy)
    train_col, val_col = st.columns(2)
    for column, y, y_title, title in (
        (train_col, "accuracy", "training accuracy", "On the noisy training labels"),
        (val_col, "val_accuracy", "validation accuracy", "On the clean validation labels"),
    ):
        chart = mse_fine_charts.sweep_chart(
            end, "label_noise", "label-noise fraction", title, y=y, y_title=y_title, domain=domain
        )
        column.altair_chart(chart, width="stretch")
    noisy = sorted(level for level in levels if level > 0)
    if noisy:
        level = st.segmented_control("The flipped samples through training, at noise", noisy, default=noisy[-1],
                                     format_func="{:.0%}".format, required=True, key="noise_shown")  # fmt: skip
        rows = sweep[sweep.label_noise == level]
        fitted_col, push_col = st.columns(2)
        fitted_col.altair_chart(mse_fine_charts.epoch_chart(rows, "flipped_fitted", "fraction of the flipped samples",
                                                            "Flipped labels memorised"), width="stretch")  # fmt: skip
        push_col.altair_chart(mse_fine_charts.epoch_chart(rows, "flipped_push", "mean ‖∂ℓ/∂z‖ (log axis)",
                                                          "The push on a flipped sample", log_y=True), width="stretch")  # fmt: skip
        st.markdown("\n".join(f"- {sentence}" for sentence in experiments.noise_sentences(sweep, level)))
    columns = {
        "accuracy": "train",
        "val_accuracy": "validation",
        "flipped_fitted": "flipped: memorised",
        "flipped_true": "flipped: true label",
    }
    table = end.pivot_table(index="label_noise", columns="run", values=list(columns), sort=False).rename(columns=columns)
    st.dataframe(table.map(lambda v: "—" if pd.isna(v) else f"{v:.3f}"))  # no flipped samples: a dash, not "None"
    st.caption(
        "Accuracies after the last epoch. Memorised: predicted as its flipped label; true label: predicted as the label "
        "it had before the flip (— where no label was flipped). ‖∂ℓ/∂z‖ is each sample's own gradient with respect to its "
        "logits (no ½)."
    )

st.header("3. The square loss on logits keeps up, rescaled for many classes (Hui & Belkin, ICLR 2021)")
st.markdown(
    "MSE on **softmax probabilities** carries the softmax's slope: each wrong class holds a sliver of probability and of "
    "gradient, so its gradient shrinks as C grows (Demirkaya et al. 2020 find it degrades). The square loss on **raw "
    "logits** has no softmax to saturate, but its gradient (2/C)(z − y) shrinks with C too; for many classes Hui & Belkin "
    "rescale it: weight **k** on the true class and target **M** for its logit. A loss's best learning rate moves with "
    f"C, so each trains at every rate of {', '.join(f'{lr:g}' for lr in experiments.LEARNING_RATES)}, and the chart shows the rate "
    "that ended with its lowest training loss (validation accuracy does not choose). So tuned, MSE on softmax comes close, "
    "at a rate that grows with C; the plain square loss on logits falls behind at 50 classes, the rescaled one keeps up."
)
k_col, m_col = st.columns(2)
k = k_col.slider("k (weight on the true class)", 1.0, 10.0, experiments.SQUARE_K, 0.5, key="square_k")
m = m_col.slider("M (target for the true logit)", 1.0, 15.0, experiments.SQUARE_M, 0.5, key="square_m")
with st.spinner(
    f"Training on {', '.join(map(str, experiments.CLASS_COUNTS[:-1]))} and {experiments.CLASS_COUNTS[-1]} classes at each rate…"
):
    best = experiments.tuned(cached.class_counts(experiments.CLASSES.to_dict(), experiments.CLASS_COUNTS, k, m))
st.altair_chart(
    mse_fine_charts.sweep_chart(
        best,
        "classes",
        "classes C (log axis)",
        ["Validation accuracy against", "the number of classes (blobs)"],
        log_x=True,
        domain=mse_fine_charts.accuracy_domain(best.val_accuracy),
    ),
    width="stretch",
)
result = best.val_accuracy.map("{:.3f}".format) + best.lr.map(" (lr {:g})".format)
shown = best.assign(result=result.where(best.status == "ok", "diverged at every rate"))
st.dataframe(shown.pivot_table(index="classes", columns="run", values="result", aggfunc="first", sort=False))
classes_config = experiments.CLASSES
st.caption(
    f"SGD with momentum {classes_config.momentum:g}, full batch, {classes_config.epochs} epochs, two hidden layers of "
    f"{classes_config.hidden[0]}, 30 samples per class (at least 600). In brackets: the chosen learning rate."
)

st.header("What the research found")
st.markdown(
    """
- **Hui & Belkin (ICLR 2021)**: square loss on logits was comparable to or better than cross-entropy on most NLP and
  speech tasks, with cross-entropy keeping a slight edge in vision; it was less sensitive to initialization; for many
  classes they rescale (k, M). *Section 3 shows the rescaling at work on a toy task, not their benchmarks.*
- **Golik, Doetsch & Ney (2013)**: squared error from a random initialization did not reach a good optimum;
  it helped as fine-tuning after cross-entropy. *The Loss race's "Saturated start" preset shows the bad start.*
- **Demirkaya, Chen & Oymak (2020)**: quadratic loss degrades as the number of classes grows. *Section 3: with its
  learning rate tuned, MSE on softmax stays close on a toy task, but only at a rate that grows with C.*
- **Guo et al. (2017)**: modern networks trained with cross-entropy are often over-confident; temperature scaling fixes
  much of it. *Section 1 compares calibration on one small task; it does not reproduce their networks.*
- **Ghosh et al. (2017), Zhang & Sabuncu (2018)**: MAE is robust to label noise but underfits. *Section 2 shows
  the robustness; on its small task MAE does not underfit.*
"""
)
