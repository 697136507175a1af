"""The setup every page calls first: page config, torch threads, the sidebar navigation, and the page's link."""

import re
import threading
from pathlib import Path
from typing import NamedTuple

import streamlit as st
import torch

from core import trainer
from core.config import TORCH_THREADS
from ui import links

torch.set_num_threads(TORCH_THREADS)  # once per process, see core/config.py
# The trainer's worker process takes ~2 s to import torch: start it on the first visit to any page, not on Start.
threading.Thread(target=trainer.trainer, daemon=True, name="loss-lab-trainer-start").start()

STYLE = Path(__file__).with_name("a11y.css")  # what the theme options cannot set (WCAG 2.1 AA)
MARKDOWN_SPECIALS = re.compile(r"[\\`*\[\]<~$&]|:(?=\S)|(?<!\w)_|_(?!\w)")  # inline Markdown, LaTeX, :color[…]


class Page(NamedTuple):
    script: str  # pages/ is Streamlit's page discovery: a deep link runs that file alone, so each calls setup()
    label: str
    icon: str
    blurb: str  # what the page shows, for the home page


PAGES = [
    Page("app.py", "Home", ":material/home:", "The short answer."),
    Page(
        "pages/1_theory.py",
        "Theory: one neuron",
        ":material/functions:",
        "Slide one logit: both losses, both gradients, and the p(1 − p) factor that starves MSE.",
    ),
    Page(
        "pages/2_loss_race.py",
        "Loss race",
        ":material/sprint:",
        "Cross-entropy and MSE trained live from the same weights and batches: curves, gradients, decision regions.",
    ),
    Page(
        "pages/3_per_sample_gradients.py",
        "Per-sample gradients",
        ":material/scatter_plot:",
        "Which samples each loss pushes, and how hard: ‖∂ℓ/∂z‖ against p with the formula's curves, scrubbed through training.",
    ),
    Page(
        "pages/4_misuse_lab.py",
        "Misuse lab",
        ":material/bug_report:",
        "Softmax before CrossEntropyLoss and its siblings, each run with torch: the loss floor, the gradient collapse, log(softmax) overflow.",
    ),
    Page(
        "pages/7_check_your_code.py",
        "Check your code",
        ":material/rule:",
        "Paste or upload your PyTorch code: softmax before CrossEntropyLoss and its siblings, found without running it, each linked to its live demo.",
    ),
    Page(
        "pages/5_when_mse_is_fine.py",
        "When is MSE fine?",
        ":material/balance:",
        "The honest counterpoint: calibration, label noise, and the square loss on logits across class counts.",
    ),
    Page(
        "pages/6_tour.py",
        "Interview tour",
        ":material/slideshow:",
        "Seven steps to present in five minutes, each with a live figure and a presenter mode.",
    ),
    Page(
        "pages/8_practice.py",
        "Practice",
        ":material/quiz:",
        "The follow-up questions: commit to an answer, then see it proved by a live computation; a score, a link to each.",
    ),
]


def plain(text: str) -> str:
    """Text from a link, escaped so st.warning shows it as typed: no link, style, LaTeX or colour from its characters."""
    return MARKDOWN_SPECIALS.sub(lambda match: "\\" + match[0], text)


def warn_ignored(ignored: list[str]) -> None:
    """Tell the visitor which link values were dropped for defaults, shown as typed."""
    if ignored:
        text = "Some link values were ignored, so their defaults are used: " + plain("; ".join(ignored))
        st.warning(text, icon=":material/link_off:")


def setup(title: str, link: links.Link) -> None:
    """Call first on every page: `link` is what the page reads from its link (a page reading nothing names only its key)."""
    st.set_page_config(page_title=f"{title} · Loss Lab", page_icon=":material/query_stats:", layout="wide")
    st.html(STYLE)  # only a <style>: Streamlit puts it in the event container, where it takes no space
    with st.sidebar:
        st.markdown("### Loss Lab")
        st.caption("Why classifiers train with cross-entropy, not MSE — shown with live torch models.")
        for page in PAGES:
            st.page_link(page.script, label=page.label, icon=page.icon)
        st.toggle("Reduce motion", key="reduce_motion", help="Fewer, calmer frames while a race trains.")  # live.REDUCE_MOTION
    warn_ignored(links.load(link))
