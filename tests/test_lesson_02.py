"""Lesson 02 (scikit-learn MLPClassifier): run the notebook under another seed, check its claims."""

from __future__ import annotations

import pytest

from tools.lessons import run_notebook

pytestmark = pytest.mark.slow

SEED = 3  # the notebook's default is 0


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, float]:
    return run_notebook("02", tmp_path_factory.mktemp("lesson02"), seed=SEED, progress=False)


def test_mlp_beats_the_linear_baseline(run: tuple[dict, float]) -> None:
    results, _ = run
    assert results["mlp_accuracy"] >= 0.95
    assert 0.83 <= results["logreg_accuracy"] <= 0.90


def test_no_overfitting(run: tuple[dict, float]) -> None:
    results, _ = run
    assert abs(results["mlp_train_accuracy"] - results["mlp_accuracy"]) <= 0.05
    assert results["mlp_test_loss"] >= results["mlp_train_loss"] - 0.05


def test_warm_start_warns_every_epoch_partial_fit_never(run: tuple[dict, float]) -> None:
    results, _ = run
    assert results["warm_start_warnings"] == 5
    assert results["partial_fit_warnings"] == 0


def test_fit_in_one_call_stops_on_its_own_with_similar_accuracy(run: tuple[dict, float]) -> None:
    results, _ = run
    assert results["fit_epochs"] < 1000
    assert abs(results["fit_accuracy"] - results["mlp_accuracy"]) <= 0.03
