"""Loss Lab core: datasets, models, losses, lockstep training and per-sample gradients (no streamlit here)."""
