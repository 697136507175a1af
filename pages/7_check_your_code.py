"""Check your code: paste or upload PyTorch code; the checker reads its syntax tree (never runs it) and links each mistake to its live demo."""

import streamlit as st

from core.check import RULES
from core.check.examples import EXAMPLES
from ui import check_view as view
from ui import links, shell

PAGE = view.PAGE
LINK = links.Link(PAGE)  # reads nothing from the link: pasted code never goes into a URL
shell.setup("Check your code", LINK)
CODE, FROM, SEEN = f"{PAGE}.code", f"{PAGE}.from", f"{PAGE}.seen_upload"


def use(source: str, code: str | None = None) -> None:
    st.session_state[FROM] = source
    if code is not None:
        st.session_state[CODE] = code


st.title("Check your code")
st.markdown(
    "Paste a training script or upload a `.py` / `.ipynb` file: the checker finds **softmax before "
    "`CrossEntropyLoss`** and its siblings, follows the value through your model, variables and functions, and links "
    "each mistake to the live demo that shows what it does. It reads the syntax tree and **never runs your code**; "
    "what you paste stays in this browser session. When it cannot decide, it says nothing."
)
st.caption("Examples")
for column, (name, example) in zip(st.columns(len(EXAMPLES)), EXAMPLES.items()):
    column.button(name, key=f"{PAGE}.example.{name}", on_click=use, args=("paste", example), width="stretch")
st.text_area("Paste PyTorch code", key=CODE, height=260, max_chars=view.MAX_BYTES, on_change=use, args=("paste",),
             placeholder="import torch.nn as nn\n…")  # fmt: skip
upload = st.file_uploader(
    f"…or upload a .py or .ipynb file (up to {view.MAX_FILE_MB} MB, with up to {view.MAX_BYTES // 1000} kB of code)",
    type=["py", "ipynb"],
    key=f"{PAGE}.upload",
    max_upload_size=view.MAX_FILE_MB,
)
if upload is not None and st.session_state.get(SEEN) != upload.file_id:  # a new upload is what to check now
    st.session_state[SEEN] = upload.file_id
    use("upload")
if upload is not None and st.session_state.get(FROM) == "upload":
    name, data = upload.name, upload.getvalue()
else:
    name, data = "<pasted>", st.session_state.get(CODE, "").encode()

if not data.strip():
    st.info("Paste code above, upload a file, or pick an example.", icon=":material/code:")
    st.stop()
doc, findings, problem = view.checked(name, data)
if problem is not None:
    st.warning(shell.plain(problem), icon=":material/block:")
    st.stop()
checked = "the pasted code" if name == "<pasted>" else f"**{shell.plain(name)}**"
if findings:
    st.markdown(f"{view.summary(findings)} in {checked}.")
else:
    st.success(f"No findings in {checked}: none of the {len(RULES)} rules saw a mistake it could prove.", icon=":material/check:")
numbered = list(enumerate(findings, 1))
code, cards = st.columns([3, 2]) if findings else (st.container(), None)
for caption, text in view.code_blocks(doc, numbered):
    if caption:
        code.caption(caption)
    code.code(text, language="python", line_numbers=True, wrap_lines=True, height=640 if text.count("\n") > 40 else "content")
if cards is not None:
    with cards:
        for number, finding in numbered[: view.MAX_CARDS]:
            view.finding_card(number, finding)
        if len(numbered) > view.MAX_CARDS:
            st.caption(f"…and {len(numbered) - view.MAX_CARDS} more, marked in the code; `python -m core check` lists them all.")
for note in doc.notes:
    st.caption(shell.plain(note))

with st.expander("The rules this page checks"):
    st.table(
        {"rule": list(RULES), "severity": [r.severity for r in RULES.values()], "mistake": [r.title for r in RULES.values()]}
    )
    st.caption(
        "The same checker runs in CI: `python -m core check PATH...` (exit 1 on an error or warning), or as a pre-commit hook."
    )
