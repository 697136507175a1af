"""Practice: the interviewer's follow-up questions, one at a time; commit to an answer, then see it proved live."""

import streamlit as st

from ui import links, shell
from ui.practice import QUESTIONS

PAGE = "practice"
LINK = links.Link(PAGE, extras={"q": links.whole(1, len(QUESTIONS), 1)})
shell.setup("Practice", LINK)
ANSWERS = f"{PAGE}.answers"  # question number -> {"given": the committed choice or number, or None, "right": bool}


def move(by: int) -> None:
    st.session_state[f"{PAGE}.q"] = min(max(st.session_state[f"{PAGE}.q"] + by, 1), len(QUESTIONS))


def commit(number: int, key: str | None) -> None:
    """Record the visitor's answer to a question (key None: they asked to see it without answering)."""
    given = st.session_state.get(key) if key else None
    right = QUESTIONS[number - 1].right(given) if key else False
    st.session_state.setdefault(ANSWERS, {})[number] = {"given": given, "right": right}


def start_over() -> None:
    st.session_state[ANSWERS] = {}


st.title("Practice: the follow-up questions")
st.markdown(
    "After “why cross-entropy and not MSE?” an interviewer asks more. Commit to an answer, then check it: each answer "
    "is computed live by the app's own library and torch. Your score lasts for this visit (a reload starts over); nothing is saved."
)
answers = st.session_state.setdefault(ANSWERS, {})
right = sum(a["right"] for a in answers.values())
checked = sum(a["given"] is not None for a in answers.values())
score, reset = st.columns([3, 1], vertical_alignment="center")
score.markdown(
    f"**Score: {right} right of {checked} answered** · {len(answers) - checked} shown without an answer · "
    f"{len(QUESTIONS)} questions"
)
reset.button("Start over", icon=":material/restart_alt:", on_click=start_over, disabled=not answers, key=f"{PAGE}.reset")
number = st.selectbox(
    "Question", range(1, len(QUESTIONS) + 1), key=f"{PAGE}.q", format_func=lambda n: f"{n}. {QUESTIONS[n - 1].title}"
)
links.write(LINK, {"q": str(number)})
question = QUESTIONS[number - 1]

st.header(f"{number}. {question.title}", divider="gray")
st.markdown(question.prompt)
answer = answers.get(number)
if answer is None:
    if question.value is None:
        key = f"{PAGE}.pick.{number}"
        st.radio("Your answer", question.shown_options(), index=None, key=key, label_visibility="collapsed")
    else:
        key = f"{PAGE}.number.{number}"
        st.number_input("Your answer", value=None, step=0.01, format="%.4f", key=key, placeholder="a number")
    check, show = st.columns(2)
    check.button("Check my answer", type="primary", icon=":material/check:", on_click=commit, args=(number, key),
                 disabled=st.session_state.get(key) is None, key=f"{PAGE}.check.{number}", width="stretch")  # fmt: skip
    show.button("Show the answer", icon=":material/visibility:", on_click=commit, args=(number, None),
                key=f"{PAGE}.show.{number}", width="stretch")  # fmt: skip
else:
    if answer["given"] is None:
        st.info("Shown without an answer: not scored.", icon=":material/visibility:")
    elif answer["right"]:
        st.success(f"Your answer, {answer['given']:g}, is right." if question.value else f"Right: {answer['given']}.",
                   icon=":material/check_circle:")  # fmt: skip
    else:
        given = f"{answer['given']:g}" if question.value else answer["given"]
        st.warning(f"Your answer, {given}, is not it.", icon=":material/cancel:")  # an error box is for the app's errors
    with st.container(border=True):
        question.answer()
        if question.page:
            page = next(p for p in shell.PAGES if p.script == question.page)
            label = f"Open {page.label}" + (" with these settings" if question.query else "")
            links.page_link(st, question.page, label, page.icon, question.query or {})

back, forward = st.columns(2)
back.button("Back", icon=":material/arrow_back:", on_click=move, args=(-1,), disabled=number == 1, key=f"{PAGE}.back",
            width="stretch")  # fmt: skip
forward.button("Next question", icon=":material/arrow_forward:", on_click=move, args=(1,), key=f"{PAGE}.next",
               disabled=number == len(QUESTIONS), type="secondary" if answer is None else "primary", width="stretch")  # fmt: skip
