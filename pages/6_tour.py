"""Interview tour: seven steps a presenter clicks through, each with one live figure and a way into its page."""

import streamlit as st

from ui import links, shell, tour

# Presenter mode: no sidebar or toolbar, larger text, so a shared screen shows only the argument.
PRESENTER_CSS = """<style>
[data-testid="stSidebar"], [data-testid="stExpandSidebarButton"], [data-testid="stToolbar"] {display: none;}
[data-testid="stMainBlockContainer"] {max-width: 1200px;}
[data-testid="stMainBlockContainer"] [data-testid="stMarkdownContainer"] :is(p, li) {font-size: 1.3rem;}
[data-testid="stMainBlockContainer"] h1 {font-size: clamp(1.75rem, 6vw, 3rem);} /* a phone: whole words */
</style>"""

shell.setup("Interview tour", tour.LINK)  # the link decides where a session starts: tour.step, tour.presenter


def move(by: int) -> None:
    st.session_state["tour.step"] = min(max(st.session_state["tour.step"] + by, 1), len(tour.STEPS))


index = st.session_state["tour.step"] - 1
step = tour.STEPS[index]
presenter = st.toggle("Presenter mode (hides the sidebar, larger text)", key="tour.presenter")
if presenter:
    st.markdown(PRESENTER_CSS, unsafe_allow_html=True)
links.write(tour.LINK, {"step": str(index + 1), "presenter": "1" if presenter else "0"})

st.progress((index + 1) / len(tour.STEPS), text=f"Step {index + 1} of {len(tour.STEPS)}")
st.title(step.headline)
st.markdown("\n".join(f"- {point}" for point in step.points))
step.figure()

back, link, forward = st.columns([1, 2, 1], vertical_alignment="center")
back.button(
    "Back", icon=":material/arrow_back:", on_click=move, args=(-1,), disabled=index == 0, key="tour.back", width="stretch"
)
page = next(p for p in shell.PAGES if p.script == step.page)
links.page_link(link, step.page, f"Open {page.label} with these settings", page.icon, step.query)
forward.button("Next", icon=":material/arrow_forward:", on_click=move, args=(1,), disabled=index == len(tour.STEPS) - 1,
               key="tour.next", type="primary", width="stretch")  # fmt: skip
