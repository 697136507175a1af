"""AppTest for the Practice page: commit then reveal, the score, ?q= links, and every answer's numbers from core."""

import math
from urllib.parse import parse_qsl

import pytest
import torch
from streamlit.testing.v1 import AppTest

from core import misuse
from core import practice as core
from tests.apptest import open_page
from ui.practice import QUESTIONS
from ui.shell import PAGES

SCRIPT = "pages/8_practice.py"
PREFIX = {"pages/2_loss_race.py": "race", "pages/4_misuse_lab.py": "misuse"}  # their links' session-state keys


def open_practice(**query) -> AppTest:
    return open_page(SCRIPT, timeout=90, **query)


def score(at: AppTest) -> str:
    return next(m.value for m in at.markdown if m.value.startswith("**Score"))


def reveal(at: AppTest, number: int) -> str:
    """Show question `number`'s answer without answering; the answer's text."""
    at.session_state["practice.q"] = number
    at.run()
    at.button(key=f"practice.show.{number}").click().run()
    assert not at.exception, at.exception
    return next(m.value for m in at.markdown if m.value.startswith(("**", "It applies", "From s")) and "Score" not in m.value)


def charts(at: AppTest) -> int:
    return len(at.get("arrow_vega_lite_chart")) + len(at.get("vega_lite_chart"))


def test_first_visit_asks_question_one_and_computes_nothing():
    at = open_practice()
    assert not at.exception and not at.warning
    assert at.query_params["q"] == "1" and at.header[0].value == f"1. {QUESTIONS[0].title}"
    assert score(at).startswith("**Score: 0 right of 0 answered**") and f"{len(QUESTIONS)} questions" in score(at)
    assert sorted(at.radio[0].options) == sorted(QUESTIONS[0].options) and at.radio[0].value is None
    assert at.button(key="practice.check.1").disabled and charts(at) == 0  # no answer until the visitor commits


@pytest.mark.parametrize("number", range(1, len(QUESTIONS) + 1))
def test_a_link_opens_each_question(number):
    at = open_practice(q=str(number))
    assert not at.exception and not at.warning and at.header[0].value == f"{number}. {QUESTIONS[number - 1].title}"


def test_bad_links_warn_and_open_question_one():
    for bad in ["0", "11", "abc", "2.5"]:
        at = open_practice(q=bad)
        assert "q" in at.warning[0].value and at.header[0].value.startswith("1. ") and at.query_params["q"] == "1"


def test_right_and_wrong_choices_and_numbers_make_the_score():
    at = open_practice()
    at.radio[0].set_value(QUESTIONS[0].options[0]).run()
    at.button(key="practice.check.1").click().run()
    assert at.success[0].value == f"Right: {QUESTIONS[0].options[0]}." and charts(at) == 1
    at.button(key="practice.next").click().run()
    assert at.query_params["q"] == "2"
    at.radio[0].set_value(QUESTIONS[1].options[1]).run()
    at.button(key="practice.check.2").click().run()
    assert "is not it" in at.warning[0].value and score(at).startswith("**Score: 1 right of 2 answered**")
    at.session_state["practice.q"] = 3
    at.run()
    at.number_input(key="practice.number.3").set_value(1.46).run()  # log(1 + 9/e) = 1.4612, within ±0.01
    at.button(key="practice.check.3").click().run()
    assert at.success[0].value == "Your answer, 1.46, is right."
    at.session_state["practice.q"] = 9
    at.run()
    at.number_input(key="practice.number.9").set_value(0.9).run()  # 0.91 ± 0.005: not it
    at.button(key="practice.check.9").click().run()
    assert at.warning[0].value == "Your answer, 0.9, is not it."
    assert score(at).startswith("**Score: 2 right of 4 answered** · 0 shown without an answer")
    at.button(key="practice.back").click().run()
    at.button(key="practice.show.8").click().run()
    assert at.info[0].value.startswith("Shown without an answer") and "· 1 shown without an answer" in score(at)
    at.session_state["practice.q"] = 1
    at.run()
    assert at.success[0].value.startswith("Right") and len(at.radio) == 0  # an answer stays answered on a later visit
    at.button(key="practice.reset").click().run()
    assert score(at).startswith("**Score: 0 right of 0 answered**") and len(at.radio) == 1


def test_each_question_is_right_only_for_its_answer():
    for question in QUESTIONS:
        assert sorted(question.order) == list(range(len(question.options)))
        if question.value is None:
            assert [question.right(o) for o in question.options] == [True] + [False] * (len(question.options) - 1)
            assert question.right(None) is False
        else:
            value = question.value()
            assert question.right(value + 0.9 * question.tolerance) and not question.right(value + 1.1 * question.tolerance)
    assert QUESTIONS[2].value() == pytest.approx(math.log1p(9 / math.e))
    assert QUESTIONS[8].value() == pytest.approx(0.91) and QUESTIONS[9].value() == pytest.approx(90)


def test_every_answer_links_to_a_page_that_reads_its_settings():
    at = open_practice()
    for number, question in enumerate(QUESTIONS, 1):
        reveal(at, number)
        links = at.main.get("page_link")
        if not question.page:
            assert not links
            continue
        target = next(p for p in PAGES if p.script == question.page)
        assert links[0].proto.label.startswith(f"Open {target.label}")
        query = dict(parse_qsl(links[0].proto.query_string))
        assert query == (question.query or {})
        opened = open_page(question.page, timeout=90, **query)
        assert not opened.exception, number
        if query:  # the page read exactly these settings and ignored none of them
            seen = opened.session_state[f"{PREFIX[question.page]}.__link"]
            assert query.items() <= seen["params"].items() and seen["ignored"] == [], (number, seen["ignored"])


def test_answers_one_to_five_show_the_library_numbers():
    at = open_practice()
    norms, p_y = core.norm_at(("ce", "mse")), core.true_probability(core.WRONG_LOGIT)
    text = reveal(at, 1)
    assert f"p_y = {p_y:.4f}" in text and f"‖∂CE/∂z‖ = {norms['ce']:.4f}" in text and "z = [−6, 0, 0]" in text
    assert f"{norms['mse']:.3g}, {norms['ce'] / norms['mse']:.0f}× less" in text and charts(at) == 1
    text, check, sweep = reveal(at, 2), core.fused_loss_check(), misuse.class_sweep()
    assert f"{check['loss']:.6f} both ways" in text and f"moves by {check['gap_doubled']:.4f}" in text
    assert f"{sweep.shrink.min():.0f}× to {sweep.shrink.max():.0f}× smaller" in text
    assert "from probabilities" in text and f"{sweep.set_index('C').loc[3].grad_doubled:.3g}" in text
    text = reveal(at, 3)
    assert text.startswith(f"**{math.log1p(9 / math.e):.4f}**") and f"{misuse.floor(10):.6f}" in text
    assert f"= {math.e / (math.e + 9):.4f} on a class" in text
    text, limits = reveal(at, 4), misuse.thresholds("float32")
    assert f"From s = **{limits['inf_from']:.2f}**" in text and f"from s = {limits['nan_from']:.2f}" in text
    assert f"{limits['inf_predicted']:.2f}" in text and f"{limits['nan_from']:.2f} = ln(largest float32)" in text
    assert abs(limits["nan_from"] - math.log(torch.finfo(torch.float32).max)) < 0.01  # "= ln(largest float32)"
    assert "at s = 200 it returns −200 with gradient [−1, 1], where the naive line gives −inf and [nan, nan]" in text
    text = reveal(at, 5)
    assert text.startswith(f"**p = {core.P_TRUE:.2f}**") and f"lowest there too (p = {core.P_TRUE:.2f})" in text


def test_answers_six_to_ten_show_the_library_numbers():
    at = open_practice()
    text = reveal(at, 6)
    history, table = core.adam_rescue()
    rows = table.set_index(["optimizer", "loss"])
    adam_mse, adam_ce = rows.loc[("adam lr 0.3", "mse")], rows.loc[("adam lr 0.3", "ce")]
    assert text.startswith("**Partly.**") and f"‖Δθ‖ = {adam_mse.first_step:.3f}" in text
    assert (
        f"{adam_mse.wrong:.0f} samples are still confidently wrong (p_y < 0.1; {adam_mse.wrong_at_start:.0f} at the start)"
        in text
    )
    assert f"at accuracy {adam_mse.accuracy:.3f}, while cross-entropy has 0 left at {adam_ce.accuracy:.3f}" in text
    assert at.table[0].value.shape == (8, 4) and charts(at) == 1
    text, norms = reveal(at, 7), core.norm_at(("ce", "mse", "mse-logits"))
    assert f"‖∂ℓ/∂z‖ = {norms['mse-logits']:.4f}, more than cross-entropy's {norms['ce']:.4f}" in text
    text, table = reveal(at, 8), core.binary_equivalence()
    assert f"differ by at most {(table.bce - table.ce).abs().max():.1g}" in text and "at a = 3" in text
    text, best = reveal(at, 9), core.smoothed_optimum()
    assert text.startswith("**0.91**") and f"= {best['margin']:.3f}" in text and "lowest at m = 4.50" in text
    text = reveal(at, 10)
    assert text.startswith("**90%.**") and "50% / 50%" in text and "scores 90% accuracy" in text
    assert not at.main.get("page_link")  # no page covers class weights


def test_a_range_of_one_number_is_said_once():
    from ui.practice import span

    assert span([0.6541, 0.6539]) == "0.654 at each" and span([0.612, 0.654]) == "0.612 to 0.654"
