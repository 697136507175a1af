"""Per-sample gradient benchmarks, ratios from one run: torch.func vs a Python loop vs Opacus; the page's scrub cost."""

import argparse
import copy
import json
import logging
import pickle
import statistics
import time
import warnings
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import torch

from benchmarks.timing import time_interleaved
from core import losses, timeline
from core.config import RunConfig
from core.engine import Race
from core.grads import param_grad_norms
from core.presets import PRESETS

FUNC_VS_LOOP_TARGET = 50.0  # the target: torch.func at least 50x faster than a loop of single-sample backward passes
SCRUB_TARGET_MS = 200.0  # the target: one slider move redraws in at most 200 ms of server time
PAGE_DEFAULT = replace(PRESETS["Default"], init_scale=3.0, epochs=150)  # pages/3_per_sample_gradients.py's default
ROOT = Path(__file__).resolve().parents[1]
LOSS = "ce"


def workload(config: RunConfig) -> tuple[torch.nn.Module, dict[str, torch.Tensor], torch.Tensor, torch.Tensor]:
    """The config's MLP at its initial weights (the ce run), and its training data."""
    race = Race(config)
    return race.model, race.run_params(0), race.data.x_train, race.data.y_train


def loaded(model: torch.nn.Module, params: dict[str, torch.Tensor]) -> torch.nn.Module:
    """A real module holding `params` (the engine's template model has no weights of its own)."""
    module = copy.deepcopy(model)
    module.load_state_dict(params)
    return module


def loop_norms(model, params, x, y) -> torch.Tensor:
    """‖∂ℓᵢ/∂θ‖ by one forward and backward pass per sample: the textbook loop."""
    module, norms = loaded(model, params), []
    for i in range(len(y)):
        module.zero_grad(set_to_none=True)
        losses.get(LOSS).loss(module(x[i : i + 1]), y[i : i + 1]).sum().backward()  # (1, K) -> ()
        norms.append(torch.sqrt(sum(p.grad.pow(2).sum() for p in module.parameters())))
    return torch.stack(norms)  # (N,)


def opacus_runner(model, params) -> Callable | None:
    """Opacus's hook-based per-sample gradients as a function of (x, y), or None when Opacus is not installed."""
    try:
        from opacus import GradSampleModule
    except ImportError:
        return None
    module = loaded(model, params)
    wrapped = GradSampleModule(module, loss_reduction="mean")  # mean-reduced loss: Opacus multiplies by N for us

    def run(x, y) -> torch.Tensor:
        wrapped.zero_grad(set_to_none=True)  # also clears grad_sample, which Opacus would otherwise accumulate
        with warnings.catch_warnings():  # torch notes that x needs no gradient: true, and harmless here
            warnings.simplefilter("ignore", UserWarning)
            losses.get(LOSS).loss(wrapped(x), y).mean().backward()
        return torch.sqrt(sum(p.grad_sample.flatten(1).pow(2).sum(1) for p in module.parameters()))  # (N,)

    return run


def bench_per_sample(config: RunConfig, repeats: int) -> dict[str, float]:
    """Print torch.func vs loop vs Opacus for one batch; return the ratios (and the largest disagreement)."""
    model, params, x, y = workload(config)
    opacus = opacus_runner(model, params)
    fns = {"torch.func": lambda: param_grad_norms(model, params, LOSS, x, y), "loop": lambda: loop_norms(model, params, x, y)}
    if opacus is not None:
        fns["opacus"] = lambda: opacus(x, y)
    print(f"[1] per-sample ‖∂ℓᵢ/∂θ‖, N = {len(y)}, MLP {config.hidden} {config.activation}, loss {LOSS}, median of {repeats}")
    results = {name: fn() for name, fn in fns.items()}
    times = {
        name: statistics.median(t) for name, t in time_interleaved(fns, repeats).items()
    }  # interleaved: every number below comes from this one run
    reference = results["torch.func"]
    for name, norms in results.items():
        worst = float(((norms - reference).abs() / reference.abs().clamp_min(1e-12)).max())
        print(f"  {name:<11} {times[name] * 1e3:9.2f} ms   max rel. diff vs torch.func {worst:.1e}")
    ratios = {"loop": times["loop"] / times["torch.func"]}
    print(f"  ratio loop / torch.func      {ratios['loop']:8.1f}x")
    if opacus is None:
        print("  Opacus is unavailable (pip install -r requirements-dev.txt installs it): no comparison")
    else:
        ratios["opacus"] = times["opacus"] / times["torch.func"]
        print(f"  ratio opacus / torch.func    {ratios['opacus']:8.2f}x  (> 1: torch.func is faster)")
    return ratios


def settings_work(cached: bytes, config: RunConfig, threshold: float) -> tuple:
    """What a full rerun adds (threshold change, page load): the st.cache_data copy and the threshold statistics."""
    table = pickle.loads(cached)  # st.cache_data hands every full rerun a fresh copy of the pickled result
    return table, timeline.confidently_wrong(table[table.seed == config.seed], threshold)


def move_work(table, stats, config: RunConfig, epoch: int, threshold: float, log: bool) -> int:
    """One slider move's server work (the fragment's rerun): the checkpoint view, and serialising what is shipped."""
    from streamlit.dataframe_util import convert_pandas_df_to_arrow_bytes

    from ui.grad_charts import checkpoint_view

    view = checkpoint_view(table, stats, config.losses, config.seed, config.classes, epoch, threshold, log)
    shipped = 0
    for data, spec in [view.scatter, view.timeline, view.histogram]:
        shipped += len(convert_pandas_df_to_arrow_bytes(data)) + len(json.dumps(spec))
    return shipped + len(convert_pandas_df_to_arrow_bytes(view.extremes))


def timed_ms(fn: Callable[[], object]) -> float:
    """Wall time of one call, in milliseconds."""
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1e3


def bench_scrub(config: RunConfig, repeats: int) -> float:
    """Print the cost of one slider move on the page (pure work, then AppTest end to end); return the pure median in ms."""
    start = time.perf_counter()
    table = timeline.timeline(config)
    first = time.perf_counter() - start
    epochs = sorted(table.epoch.unique().tolist())
    cached = pickle.dumps(table)
    n = int((table.epoch == 0).sum() // len(config.runs))
    print(f"[2] page scrub: N = {n} training samples, {len(epochs)} checkpoints, losses {'+'.join(config.losses)}")
    print(f"  {'first load (train with checkpoints, then cached)':<48}  {first:8.2f} s")
    table, stats = settings_work(cached, config, 0.1)
    print(
        f"  {'first draw in a fresh process (imports, schema)':<48}  {timed_ms(lambda: move_work(table, stats, config, 0, 0.1, False)):8.1f} ms"
    )
    extras = statistics.median(timed_ms(lambda: settings_work(cached, config, 0.1)) for _ in range(repeats))
    print(f"  {'full rerun extra: cache copy + statistics':<48}  {extras:8.1f} ms")
    rebuild = timed_ms(lambda: move_work(table, stats, config, 0, 0.2, False))
    print(f"  {'threshold change: Altair rebuilds the specs':<48}  {rebuild:8.1f} ms")
    moves = [timed_ms(lambda e=e: move_work(table, stats, config, e, 0.1, False)) for e in epochs * repeats]
    pure = statistics.median(moves)
    print(f"  {f'slider move, data + charts (median of {len(moves)})':<48}  {pure:8.1f} ms  (max {max(moves):.1f} ms)")
    print(f"  {'slider move, AppTest whole-page rerun (median)':<48}  {apptest_move_ms(config, epochs, repeats):8.1f} ms")
    return pure


def apptest_move_ms(config: RunConfig, epochs: list[int], repeats: int) -> float:
    """Median time of AppTest slider moves: the whole script reruns (the browser reruns only the fragment)."""
    from streamlit.testing.v1 import AppTest

    logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").setLevel(logging.ERROR)  # bare-mode chatter
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    at.switch_page("pages/3_per_sample_gradients.py")
    for key, value in config.to_dict().items():
        if key != "seeds":
            at.query_params[key] = value
    at.run()  # trains and fills the cache
    times = []
    for k in range(max(3, repeats * 3)):
        slider = at.select_slider(key="grads.epoch").set_value(epochs[k % len(epochs)])
        start = time.perf_counter()
        slider.run()
        times.append((time.perf_counter() - start) * 1e3)
    assert not at.exception, at.exception
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    """Run both benchmarks and print a PASS/MISS summary; always returns 0 (benchmarks report, they don't gate)."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_grads", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="tiny sizes, one repeat: a smoke test, not a measurement")
    parser.add_argument("--repeats", type=int, default=None, help="timed repeats (default 5, quick 1)")
    args = parser.parse_args(argv)
    repeats = args.repeats or (1 if args.quick else 5)
    config = replace(PAGE_DEFAULT, samples=1250)  # validation split 0.2: N = 1000 training samples
    if args.quick:
        config = replace(config, samples=50, hidden=(8, 8), epochs=6)
    torch.set_num_threads(1)  # as ui/shell.py sets for the app
    print(f"Loss Lab per-sample gradient benchmarks ({'QUICK smoke sizes' if args.quick else 'full sizes'})")
    print(f"torch {torch.__version__}, {torch.get_num_threads()} thread (as the app)")
    ratios = bench_per_sample(config, repeats)
    scrub = bench_scrub(config, repeats)
    print("summary" + (" (quick sizes: smoke test only, verdicts are not meaningful)" if args.quick else ""))
    print(
        f"  {'PASS' if ratios['loop'] >= FUNC_VS_LOOP_TARGET else 'MISS'}  torch.func {ratios['loop']:.1f}x faster than the loop (target ≥ {FUNC_VS_LOOP_TARGET:g}x)"
    )
    if "opacus" in ratios:
        print(
            f"  {'PASS' if ratios['opacus'] >= 1 else 'MISS'}  torch.func {ratios['opacus']:.2f}x Opacus's speed (target ≥ 1x: no slower)"
        )
    else:
        print("  SKIP  Opacus unavailable: torch.func vs Opacus not measured")
    print(
        f"  {'PASS' if scrub <= SCRUB_TARGET_MS else 'MISS'}  slider move {scrub:.1f} ms of server work (target ≤ {SCRUB_TARGET_MS:g} ms)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
