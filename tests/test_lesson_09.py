"""Lesson 09 (tabular data): the claims its prose makes, under another seed."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow


def test_scores_are_r2_and_the_order_is_boosting_mlp_linear(results: dict) -> None:
    assert results["score_name"] == "R² of log(price)"
    assert results["gbdt_val"] > max(results["onehot_val"], results["embedding_val"])
    assert min(results["onehot_val"], results["embedding_val"]) > results["linear_val"]
    assert (
        results["mlp_score"] > results["linear_score"]
    )  # the recommended MLP beats the linear model
    assert results["gbdt_score"] > results["mlp_score"]  # prose: gradient boosting wins


def test_one_hot_and_embeddings_are_close(results: dict) -> None:
    # prose: on a few categories per column the two end close together (less than 0.001 apart)
    assert abs(results["onehot_val"] - results["embedding_val"]) < 0.002
    assert results["mlp_choice"] in ("MLP, one-hot", "MLP, embedding")


def test_strong_baselines_and_the_data(results: dict) -> None:
    assert results["linear_score"] > 0.97 and results["gbdt_score"] > 0.98
    assert (
        results["zero_size_rows"] == 20
    )  # the table itself: rows with a zero length, width or depth
    assert results["dataloader_over_batches"] > 1  # the per-example pipeline is slower in memory
