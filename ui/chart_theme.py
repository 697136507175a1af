"""The one Altair theme every chart is built with: chart text dark enough for WCAG 2.1 AA (≥ 4.5:1 on white).

Streamlit's own chart theme draws axis, legend and header text in #808495 (3.7:1 on white); a chart's own config
wins over it, and Streamlit keeps a custom Altair theme enabled (it only swaps out Altair's "default").
Importing this module registers and enables it (ui/specs.py, ui/theory_charts.py, ui/mse_fine_charts.py do).
"""

import altair as alt

TEXT = "#31333f"  # Streamlit's body text: 12.6:1 on white
NAME = "loss-lab"


@alt.theme.register(NAME, enable=True)
def theme() -> alt.theme.ThemeConfig:
    """Text colours, and legend symbols drawn as lines (a loss's dash shows there); sizes and fonts stay Streamlit's."""
    text = {"labelColor": TEXT, "titleColor": TEXT}
    # A short stroke, its dash visible, at full opacity: a layered band's faint fill would otherwise set the symbols' opacity.
    legend = {**text, "symbolType": "stroke", "symbolStrokeWidth": 2.5, "symbolSize": 250, "symbolOpacity": 1}
    return {"config": {"axis": text, "legend": legend, "header": text, "title": {"color": TEXT, "subtitleColor": TEXT}}}
