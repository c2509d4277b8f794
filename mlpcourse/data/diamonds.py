"""The diamonds table: 53,940 diamonds with their price, carat, cut, colour, clarity and size.

ggplot2's ``diamonds`` data set (MIT licence), read from the copy the PyPI package ``plotnine``
ships as ``plotnine/data/diamonds.csv``, so it loads with no network. The file is found without
importing plotnine and checked against its SHA-256 like every course data set
(:mod:`mlpcourse.data.download`).
"""

from __future__ import annotations

import importlib.util
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
    sha256={"diamonds.csv": "9574730b03aba241d899c4a97511c5061b19358fab89510774fb6c24168345c4"},
    install_hint="pip install plotnine (it ships the table as plotnine/data/diamonds.csv)",
    expected_sizes={"diamonds.csv": 2772143},
)


def _package_data_dir(package: str = "plotnine") -> Path | None:
    """Return ``<package>/data`` of an installed package without importing it, or None."""
    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        return None
    if spec is None or spec.origin is None:
        return None
    return Path(spec.origin).parent / "data"


def load_diamonds(root: str | os.PathLike[str] | None = None) -> Any:
    """Load the diamonds table as a pandas DataFrame, its categories ordered as in ggplot2.

    Looks in ``root``, ``$MLPCOURSE_DATA``, the user cache, then the installed plotnine
    package; the content must match the table's SHA-256. Introduced in lesson 09.

    Parameters
    ----------
    root : path, optional
        A folder holding ``diamonds.csv``, searched first.

    Returns
    -------
    pandas.DataFrame
        53,940 rows: ``carat``, ``cut``, ``color``, ``clarity`` (ordered categoricals),
        ``depth``, ``table``, ``price`` (US dollars), ``x``, ``y``, ``z`` (millimetres).

    Raises
    ------
    DataNotFoundError
        When no verified copy is found; the message names the package to install.
    """
    import pandas as pd

    folder = _package_data_dir()
    spec = replace(DIAMONDS_SPEC, system_dirs=(folder,) if folder is not None else ())
    contents, _ = fetch_verified(spec, root, download=False)
    table = pd.read_csv(io.BytesIO(contents["diamonds.csv"]))
    for column, levels in DIAMONDS_CATEGORIES.items():
        table[column] = pd.Categorical(table[column], categories=levels, ordered=True)
    return table
