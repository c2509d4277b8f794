"""Checks of lesson 05's exercises (regression on the diabetes data)."""

from __future__ import annotations

from typing import Any

from mlpcourse.answers.core import Wrong, between, exercise, number, numbers


@exercise("ex-05-output-relu", "the smallest prediction of the model with a ReLU on its output")
def _output_relu(answer: Any) -> str:
    smallest = number(answer, "the smallest prediction")
    if smallest < -1e-6:
        raise Wrong(
            f"a prediction of {smallest:.3f}",
            "did you put nn.ReLU() after the last layer? It clips every output at zero",
        )
    if smallest > 1e-6:
        raise Wrong(
            f"the smallest prediction is {smallest:.3f}",
            "predict over the whole grid x_grid, where the curve goes below zero",
        )
    return "the output stops at zero where the curve goes below it"


@exercise(
    "ex-05-raw-x",
    "(MLP raw R², MLP preprocessed R², linear raw R², linear standardized R²), fold means",
)
def _raw_x(answer: Any) -> str:
    mlp_raw, mlp_prep, lin_raw, lin_std = numbers(answer, 4, "four mean R² values")
    for r2 in (mlp_raw, mlp_prep, lin_raw, lin_std):
        between(r2, -100.0, 1.0, "an R²", "an R² is at most 1")
    if abs(lin_raw - lin_std) > 1e-6:
        raise Wrong(
            "standardizing changed linear regression's R²",
            "least squares fits any rescaling of the inputs exactly: did both use the same folds?",
        )
    return "linear regression does not care about the scale; say why the MLP does"


@exercise("ex-05-l1", "(L1 R², L1 MAE, MSE R², MSE MAE), cross-validated means")
def _l1(answer: Any) -> str:
    r2_l1, mae_l1, r2_mse, mae_mse = numbers(answer, 4, "(L1 R², L1 MAE, MSE R², MSE MAE)")
    for r2 in (r2_l1, r2_mse):
        between(r2, -100.0, 1.0, "an R²", "an R² is at most 1")
    for mae in (mae_l1, mae_mse):
        between(mae, 0.0, 1000.0, "an MAE", "the mean absolute error is in disease-score points")
    return "both losses cross-validated on the same folds"


@exercise(
    "ex-05-uncertainty",
    "(sd of test R² over the seeds, lower and upper end of the 95% bootstrap interval)",
)
def _uncertainty(answer: Any) -> str:
    sd, low, high = numbers(answer, 3, "(sd, low, high)")
    if sd < 0:
        raise Wrong("a negative standard deviation", "np.std(..., ddof=1)")
    if not low < high:
        raise Wrong("the interval's lower end is not below its upper end", "percentiles 2.5, 97.5")
    between(low, -2.0, 2.0, "the interval's lower end", "a difference of two R² values")
    between(high, -2.0, 2.0, "the interval's upper end", "a difference of two R² values")
    return "both sources measured: compare their sizes"
