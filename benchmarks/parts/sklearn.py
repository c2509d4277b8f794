"""Part ``sklearn``: ``MLPClassifier((100,))`` against the course's ``MLP(784, [100], 10)`` with
Adam, on standardized pixels, the same epochs: test accuracy and fit seconds."""

from __future__ import annotations

import argparse
import statistics
import time
import warnings
from typing import Any

import numpy as np
import torch
from torch import nn

from benchmarks.common import _s, positive_int, summarize, sync
from mlpcourse import MLP, evaluate, fit, flatten_images


def bench_sklearn(
    data: Any,
    device: torch.device,
    epochs: int,
    repeats: int,
    seed: int,
    n_train: int,
    n_test: int,
) -> dict[str, Any]:
    """MLPClassifier((100,)) vs MLP(784, [100], 10) + Adam: same data, shape, epochs, batch."""
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier
    from sklearn.preprocessing import StandardScaler

    X_tr = flatten_images(data.X_train[:n_train]).numpy()
    X_te = flatten_images(data.X_test[:n_test]).numpy()
    y_tr, y_te = data.y_train[:n_train], data.y_test[:n_test]
    scaler = StandardScaler().fit(X_tr)  # standardized pixels, as the Zalando benchmark
    X_tr = scaler.transform(X_tr).astype(np.float32)
    X_te = scaler.transform(X_te).astype(np.float32)
    X_tr_t, X_te_t = torch.from_numpy(X_tr), torch.from_numpy(X_te)

    rows: dict[str, dict[str, list[float]]] = {
        "sklearn": {"fit": [], "acc": []},
        "torch": {"fit": [], "acc": []},
    }
    n_iter = None
    # Warm-up, not timed: the first Adam step and the first sklearn fit pay one-off set-up costs.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        MLPClassifier(hidden_layer_sizes=(100,), max_iter=1, random_state=seed).fit(
            X_tr[:1000], y_tr[:1000].numpy()
        )
    warm = MLP(784, [100], 10)
    fit(
        warm,
        nn.CrossEntropyLoss(),
        torch.optim.Adam(warm.parameters()),
        X_tr_t[:1000],
        y_tr[:1000],
        epochs=1,
        batch_size=200,
        device=device,
    )
    for _ in range(repeats):  # interleaved: sklearn, torch, sklearn, torch, ...
        clf = MLPClassifier(hidden_layer_sizes=(100,), max_iter=epochs, random_state=seed)
        start = time.perf_counter()
        with warnings.catch_warnings():
            # max_iter is the epoch count here, not a convergence budget: the warning is expected.
            warnings.simplefilter("ignore", ConvergenceWarning)
            clf.fit(X_tr, y_tr.numpy())
        rows["sklearn"]["fit"].append(time.perf_counter() - start)
        rows["sklearn"]["acc"].append(float(clf.score(X_te, y_te.numpy())))
        n_iter = int(clf.n_iter_)

        torch.manual_seed(seed)
        model = MLP(784, [100], 10)
        loss_fn = nn.CrossEntropyLoss()
        optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)  # sklearn's defaults
        sync(device)
        start = time.perf_counter()
        fit(
            model,
            loss_fn,
            optimizer,
            X_tr_t,
            y_tr,
            epochs=epochs,
            batch_size=200,
            device=device,
            generator=torch.Generator().manual_seed(seed),
        )
        sync(device)
        rows["torch"]["fit"].append(time.perf_counter() - start)
        rows["torch"]["acc"].append(float(evaluate(model, loss_fn, X_te_t, y_te)[1]))

    def row(name: str, label: str) -> dict[str, Any]:
        accs = rows[name]["acc"]
        return {
            "label": label,
            "test_accuracy": round(statistics.median(accs), 4),
            "test_accuracies": [round(a, 4) for a in accs],
            "fit": summarize(rows[name]["fit"]),
        }

    return {
        "epochs": epochs,
        "sklearn_n_iter": n_iter,
        "n_train": n_train,
        "n_test": n_test,
        "repeats": repeats,
        "preprocessing": "StandardScaler on pixels (fitted on the training set)",
        "warmup": "one untimed 1-epoch fit of each on 1000 images",
        "models": {
            "sklearn": row(
                "sklearn", "scikit-learn MLPClassifier((100,)), adam lr 1e-3, batch 200"
            ),
            "torch": row(
                "torch",
                f"mlpcourse MLP(784, [100], 10) + fit(), Adam lr 1e-3, batch 200, {device.type}",
            ),
        },
        "differences": "sklearn adds an L2 penalty (alpha=1e-4) and uses Glorot init; "
        "the PyTorch model uses PyTorch's default init and no penalty",
    }


def summary(s: dict[str, Any]) -> list[str]:
    """The lines ``run.py`` prints for this part."""
    return [
        f"  {row['label']:<70} acc {row['test_accuracy']:.4f}  fit {row['fit']['median']:.1f} s"
        for row in s["models"].values()
    ]


def figure_rows(s: dict[str, Any]) -> list[tuple[str, str, list[tuple[str, dict]]]]:
    """The performance figure's panel for this part."""
    rows = [(f"{name}\nacc {r['test_accuracy']:.3f}", r["fit"]) for name, r in s["models"].items()]
    return [(f"Fit, (100,) hidden, {s['epochs']} epochs", "fit seconds", rows)]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """This part's options: epochs and repeats of each fit (defaults set in :func:`run`)."""
    parser.add_argument("--sklearn-epochs", type=positive_int, help="default 10; smoke 2")
    parser.add_argument("--sklearn-repeats", type=positive_int, help="default 2; smoke 1")


def run(args: Any, data: Any, device: torch.device) -> dict[str, Any]:
    """Fit scikit-learn's MLPClassifier and the course's MLP on the same data."""
    epochs = args.sklearn_epochs or (2 if args.smoke else 10)
    repeats = args.sklearn_repeats or (1 if args.smoke else 2)
    print(f"sklearn vs torch: {repeats} x {epochs} epochs ...", flush=True)
    n_test = 512 if args.smoke else 10000
    return bench_sklearn(data, device, epochs, repeats, args.seed, args.n_train, n_test)


def section(s: dict[str, Any], figure: str | None = None) -> list[str]:
    """The performance page's section for this part (with the figure, if given)."""
    lines = [
        "### scikit-learn vs PyTorch",
        "",
        f"{s['epochs']} epochs on {s['n_train']} training images, {s['preprocessing']}; "
        f"test accuracy on {s['n_test']} test images; fit time median of {s['repeats']} "
        f"(interleaved). Differences: {s['differences']}.",
        "",
        "| model | test accuracy | fit seconds (median) | min – max |",
        "|---|---:|---:|---:|",
    ]
    for row in s["models"].values():
        f = row["fit"]
        lines.append(
            f"| {row['label']} | {row['test_accuracy']:.4f} | {_s(f['median'], 1)} | "
            f"{_s(f['min'], 1)} – {_s(f['max'], 1)} |"
        )
    lines.append("")
    if figure:
        lines += [f"![The timings of this run, one panel per part]({figure})", ""]
    return lines
