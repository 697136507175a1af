"""Interview tour: seven steps a presenter clicks through, each with one live figure and a way into its page."""

import streamlit as st

from ui import shell, tour

# Presenter mode: no sidebar or toolbar, larger text, so a shared screen shows only the argument.
PRESENTER_CSS = """<style>
[data-testid="stSidebar"], [data-testid="stExpandSidebarButton"], [data-testid="stToolbar"] {display: none;}
[data-testid="stMainBlockContainer"] {font-size: 1.3rem; max-width: 1200px;}
[data-testid="stMainBlockContainer"] h1 {font-size: 3rem;}
</style>"""

shell.setup("Interview tour", url_params=["step", "presenter"])
if "tour.step" not in st.session_state:  # the link decides where a new session starts
    step, presenter, ignored = tour.read_url(st.query_params.to_dict())
    st.session_state.update({"tour.step": step, "tour.presenter": presenter, "tour.ignored": ignored})
shell.warn_ignored(st.session_state["tour.ignored"])


def move(by: int) -> None:
    st.session_state["tour.step"] = min(max(st.session_state["tour.step"] + by, 0), len(tour.STEPS) - 1)


index = st.session_state["tour.step"]
step = tour.STEPS[index]
presenter = st.toggle("Presenter mode (hides the sidebar, larger text)", key="tour.presenter")
if presenter:
    st.markdown(PRESENTER_CSS, unsafe_allow_html=True)
st.query_params.from_dict({"step": str(index + 1), "presenter": "1" if presenter else "0"})

st.progress((index + 1) / len(tour.STEPS), text=f"Step {index + 1} of {len(tour.STEPS)}")
st.title(step.headline)
st.markdown("\n".join(f"- {point}" for point in step.points))
step.figure(presenter)

back, link, forward = st.columns([1, 2, 1], vertical_alignment="center")
back.button(
    "Back", icon=":material/arrow_back:", on_click=move, args=(-1,), disabled=index == 0, key="tour.back", width="stretch"
)
page = next(p for p in shell.PAGES if p.script == step.page)
link.page_link(step.page, label=f"Open {page.label} with these settings", icon=page.icon, query_params=step.query)
forward.button("Next", icon=":material/arrow_forward:", on_click=move, args=(1,), disabled=index == len(tour.STEPS) - 1,
               key="tour.next", type="primary", width="stretch")  # fmt: skip
