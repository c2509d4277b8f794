"""Lesson 05 (regression): the claims its prose makes, under another seed."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow


def test_mlp_follows_the_curve_and_a_line_cannot(results: dict) -> None:
    # prose: "the MLP follows the wave closely ... while a straight line cannot"
    assert results["curve_mlp_r2"] > 0.9
    assert results["curve_linear_r2"] < 0.3


def test_baselines_on_cross_validation(results: dict) -> None:
    # the folds and the closed-form fits do not depend on the seed: the prose's exact numbers
    assert f"{results['linear_cv_r2']:.3f}" == "0.480"
    assert -0.1 < results["mean_cv_r2"] < 0  # "a little below 0"
    assert results["linear_cv_r2"] > results["mean_cv_r2"] + 0.4  # "about half of the variation"


def test_size_and_weight_decay_make_no_visible_difference(results: dict) -> None:
    # prose: the options differ by far less than the spread over the folds
    for means, sds in [
        (results["size_cv_r2"], results["size_cv_r2_std"]),
        (results["decay_cv_r2"], results["decay_cv_r2_std"]),
    ]:
        spread = max(means.values()) - min(means.values())
        assert spread < 0.5 * min(sds.values()), (means, sds)
    assert results["chosen_hidden"] in results["size_cv_r2"]
    assert results["chosen_weight_decay"] in results["decay_cv_r2"]


def test_sixty_epochs_are_as_good_as_the_lowest_point(results: dict) -> None:
    # prose: "anything from about 60 would do as well". (Past the lowest point the curve stays
    # flat at seed 0 but climbs by 0.014 at seed 1, so the prose does not generalise that part.)
    assert results["chosen_epochs"] >= 40
    assert results["val_curve_at_epochs"] - results["val_curve_at_chosen"] < 0.01


def test_raw_target_fails(results: dict) -> None:
    assert results["raw_target_mlp_r2"] < 0  # prose: "negative"
    assert results["sgd_raw_target_diverged"] == 1  # prose: "the loss overflows"


def test_verdict_mlp_does_not_beat_linear(results: dict) -> None:
    assert results["cv_folds"] == 10
    for key in ("cv_linear_r2", "cv_mlp_r2"):
        assert 0.42 <= results[key] <= 0.53, key
    # prose: the average gap is small next to its spread across the splits
    assert abs(results["cv_r2_diff"]) < 0.03
    assert abs(results["cv_r2_diff"]) < results["cv_r2_diff_std"]
    # prose: R² moves far more from one split to the next than the average gap
    assert results["cv_linear_r2_std"] > 2 * abs(results["cv_r2_diff"])
    # prose: the MLP wins on some splits and loses on others
    assert 0 < results["cv_mlp_wins"] < results["cv_folds"]


def test_test_set_scored_once(results: dict) -> None:
    # linear regression on the fixed split is closed form: the prose's exact numbers
    assert f"{results['linear_r2']:.3f}" == "0.453"
    assert f"{results['linear_mae']:.1f}" == "42.8"
    assert 0.4 < results["mlp_r2"] < 0.6
    assert 35 < results["mlp_mae"] < 46


def test_choosing_on_the_scoring_folds_is_optimistic(results: dict) -> None:
    # issue 24: nested cross-validation of the best-triple procedure scores below its own CV
    assert results["triple_nested_r2"] < results["triple_own_cv_r2"]


def test_the_funnel_is_uneven_noise(results: dict) -> None:
    # prose: the spread in the 150-200 band is well above the spread below 100, for both models,
    # and every band's mean residual is well under half of its spread
    for name, bands in results["residual_spread_by_bin"].items():
        (_, low), (_, _mid), (_, high), _top = bands
        assert high > 1.2 * low, name
        for mean, spread in bands:
            assert abs(mean) < 0.5 * spread, name
