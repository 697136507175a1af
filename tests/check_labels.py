"""Labels of tests/check_corpus: the exact rules each snippet breaks (tests/check_runtime.py proves them by running it)."""

from pathlib import Path

CORPUS = Path(__file__).resolve().parent / "check_corpus"
CE, NLL, BCEL = "softmax-into-cross-entropy", "softmax-into-nll", "sigmoid-into-bce-with-logits"
BCE, ONEHOT, LOG, MSE, INFO = (
    "logits-into-bce",
    "long-one-hot-target",
    "log-of-softmax",
    "mse-on-probabilities",
    "log-softmax-into-cross-entropy",
)

LABELS: dict[str, set[str]] = {
    # Mistakes, one per way the value travels to the loss.
    "bug_forward_softmax.py": {CE},  # forward returns F.softmax
    "bug_sequential_softmax.py": {CE},  # nn.Sequential's last layer, a DataLoader loop
    "bug_attr_softmax.py": {CE},  # self.softmax = nn.Softmax(dim=1)
    "bug_alias_logits.py": {CE},  # `logits = F.softmax(...)`
    "bug_view_reshape.py": {CE},  # .softmax(-1), then .view before the loss
    "bug_functional_method.py": {CE},  # linear(x).softmax(dim=1) into F.cross_entropy
    "bug_fit_function.py": {CE},  # layers.append(nn.Softmax), model passed to an untyped fit()
    "bug_criterion_forward.py": {CE},  # module-level criterion called through .forward
    "bug_lightning_step.py": {CE},  # training_step calls self(x)
    "bug_add_module.py": {CE},  # add_module("softmax", nn.Softmax(dim=1))
    "bug_double_log_nll.py": {CE},  # nll_loss(log_softmax(softmax(z)))
    "bug_lambda_loss.py": {CE},  # the loss is a lambda handed to a function
    "bug_closure_criterion.py": {CE},  # criterion in a closure
    "bug_subclass_sequential.py": {CE},  # class Classifier(nn.Sequential)
    "bug_dict_output.py": {CE},  # forward returns {"logits", "probs"}
    "bug_tuple_output.py": {CE},  # forward returns (logits, probs)
    "bug_notebook_softmax.ipynb": {CE},  # a notebook: model in one cell, loss in another
    "bug_sigmoid_bcewithlogits.py": {BCEL},
    "bug_sigmoid_seq_bcel.py": {BCEL},
    "bug_sigmoid_method_bcel.py": {BCEL},
    "bug_softmax_nll.py": {NLL},
    "bug_softmax_nll_method.py": {NLL},
    "bug_bce_raw.py": {BCE},
    "bug_bce_functional_raw.py": {BCE},  # a model's own compute_loss method
    "bug_onehot_target.py": {ONEHOT},
    "bug_onehot_to_device.py": {ONEHOT},  # .to(device) keeps int64
    "bug_two_mistakes.py": {CE, ONEHOT},
    "bug_log_softmax_naive.py": {LOG},
    "bug_log_eps.py": {LOG},  # log(p + 1e-9) in a hand-written cross-entropy
    "bug_mse_softmax_onehot.py": {MSE},
    "bug_mse_sigmoid_labels.py": {MSE},
    "bug_log_softmax_ce.py": {INFO},
    "bug_logsoftmax_layer_ce.py": {INFO},
    # Clean traps: each looks like a mistake and is not one.
    "clean_metrics_softmax.py": set(),  # softmax only for accuracy and printing, after the loss
    "clean_sampling.py": set(),  # softmax to sample tokens after training
    "clean_inference_after_loss.py": set(),  # predict() returns probabilities
    "clean_soft_label_ce.py": set(),  # softmax as the target of a soft-label cross-entropy
    "clean_distillation_kl.py": set(),  # softmax as the target of a distillation KL
    "clean_attention_softmax.py": set(),  # attention softmax inside a model with a linear head
    "clean_seq_first_layer.py": set(),  # Sequential(Linear, Sigmoid) with the loss on its first layer only
    "clean_softmax_eval_only.py": set(),  # softmax returned only when not self.training
    "clean_return_probs_flag.py": set(),  # softmax only when forward is asked for it
    "clean_log_softmax_nll.py": set(),  # log_softmax + NLLLoss
    "clean_sigmoid_bce.py": set(),  # sigmoid + BCELoss
    "clean_bce_with_logits.py": set(),  # logits + BCEWithLogitsLoss, sigmoid for predictions
    "clean_onehot_float.py": set(),  # F.one_hot(...).float() soft targets
    "clean_mse_regression.py": set(),  # MSE on continuous targets
    "clean_autoencoder.py": set(),  # sigmoid + MSE reconstruction
    "clean_mse_logits.py": set(),  # square loss on raw logits (Hui & Belkin)
    "clean_label_smoothing.py": set(),  # softmax for a calibration report after training
    "clean_reassigned_after_loss.py": set(),  # the name holds probabilities only after the loss
    "clean_lightning_step.py": set(),  # softmax in predict_step only
    "clean_notebook.ipynb": set(),  # softmax for a plot in a later cell
    "clean_keras.py": set(),  # Keras: softmax + categorical_crossentropy is correct there
}
NEEDS = {"clean_keras.py": "tensorflow"}  # snippets that run only where this package is installed


def code_of(path: Path) -> str:
    """A snippet's Python source (a notebook's code cells, magics dropped)."""
    from core.check.sources import notebook

    if path.suffix == ".ipynb":
        return notebook(str(path), path.read_text()).text
    return path.read_text()
