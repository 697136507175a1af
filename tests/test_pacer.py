"""The server's frame budget (ui/live.py): every session that pressed Start shares it from the click on."""

from ui import live


def test_sessions_that_pressed_start_count_before_their_first_frame():
    pacer = live._Pacer()
    for i in range(30):
        pacer.join(f"s{i}")
    assert pacer.interval("s0") == 30 / live.SERVER_FRAMES  # not MIN_FRAME_SECONDS: the first to draw waits its turn


def test_one_session_alone_draws_at_the_browsers_pace():
    pacer = live._Pacer()
    pacer.join("alone")
    assert pacer.interval("alone") == live.MIN_FRAME_SECONDS
