"""The diamonds table: 53,940 diamonds with their price, carat, cut, colour, clarity and size.

ggplot2's ``diamonds`` data set (ggplot2 is MIT-licensed; the table is documented in its
reference as "Prices of over 50,000 round cut diamonds"). The course ships it inside this package
as ``mlpcourse/data/diamonds.csv.gz``: the CSV byte for byte as plotnine 0.15.9 (PyPI) ships it,
gzip-compressed, so it loads offline in Colab, Binder and CI alike. The content is checked against
its SHA-256 like every course data set (:mod:`mlpcourse.data.download`).
"""

from __future__ import annotations

import io
import os
from dataclasses import replace
from pathlib import Path
from typing import Any

from mlpcourse.data.download import DatasetSpec, fetch_verified

__all__ = ["DIAMONDS_CATEGORIES", "DIAMONDS_SPEC", "load_diamonds"]

# ggplot2's orders, worst to best (cut, clarity) and colour from D (best) to J (worst).
DIAMONDS_CATEGORIES: dict[str, list[str]] = {
    "cut": ["Fair", "Good", "Very Good", "Premium", "Ideal"],
    "color": ["D", "E", "F", "G", "H", "I", "J"],
    "clarity": ["I1", "SI2", "SI1", "VS2", "VS1", "VVS2", "VVS1", "IF"],
}

DIAMONDS_SPEC = DatasetSpec(
    name="the diamonds table",
    cache_name="diamonds",
    # the SHA-256 and size of the decompressed CSV
    sha256={"diamonds.csv.gz": "9574730b03aba241d899c4a97511c5061b19358fab89510774fb6c24168345c4"},
    install_hint=(
        "reinstall the course package, whose every version since 0.4.0 ships this table as "
        "mlpcourse/data/diamonds.csv.gz: pip install --force-reinstall mlpcourse (a copy of "
        "your own must be ggplot2's diamonds.csv, 53,940 rows, byte for byte, gzip-compressed)"
    ),
    expected_sizes={"diamonds.csv.gz": 2772143},
)


def _package_data_dir() -> Path:
    """Return the folder of this package that holds ``diamonds.csv.gz``."""
    return Path(__file__).resolve().parent


def load_diamonds(root: str | os.PathLike[str] | None = None) -> Any:
    """Load the diamonds table as a pandas DataFrame, its categories ordered as in ggplot2.

    Looks for ``diamonds.csv.gz`` in ``root``, ``$MLPCOURSE_DATA``, the user cache, then the copy
    inside this package; the content must match the table's SHA-256. Introduced in lesson 09.

    Parameters
    ----------
    root : path, optional
        A folder holding ``diamonds.csv.gz``, searched first.

    Returns
    -------
    pandas.DataFrame
        53,940 rows: ``carat``, ``cut``, ``color``, ``clarity`` (ordered categoricals),
        ``depth``, ``table``, ``price`` (US dollars), ``x``, ``y``, ``z`` (millimetres).

    Raises
    ------
    DataNotFoundError
        When no verified copy is found; the message says how to restore it.
    """
    import pandas as pd

    spec = replace(DIAMONDS_SPEC, system_dirs=(_package_data_dir(),))
    contents, _ = fetch_verified(spec, root, download=False)
    table = pd.read_csv(io.BytesIO(contents["diamonds.csv.gz"]))
    for column, levels in DIAMONDS_CATEGORIES.items():
        table[column] = pd.Categorical(table[column], categories=levels, ordered=True)
    return table
