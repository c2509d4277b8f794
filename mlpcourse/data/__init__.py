"""Data for the lessons: one small module per data set, verified downloads, batches and splits.

- :mod:`mlpcourse.data.download`: find, download and SHA-256-check a data set's files
  (:class:`DatasetSpec` describes one data set);
- :mod:`mlpcourse.data.fashion_mnist`: Fashion-MNIST from its IDX files (lessons 04, 06-08, 10);
- :mod:`mlpcourse.data.toy`: generated students and two moons (lessons 01-03);
- :mod:`mlpcourse.data.diamonds`: ggplot2's diamonds table, shipped in this package (lesson 09);
- :mod:`mlpcourse.data.splits`: minibatches of in-memory tensors and a seeded train/validation split.
"""

from mlpcourse.checks import validate_same_length
from mlpcourse.data.diamonds import DIAMONDS_CATEGORIES, DIAMONDS_SPEC, load_diamonds
from mlpcourse.data.download import (
    DataNotFoundError,
    DatasetSpec,
    cache_dir,
    data_search_path,
    fetch_verified,
    read_verified,
)
from mlpcourse.data.fashion_mnist import (
    FASHION_MNIST_CLASSES,
    FASHION_MNIST_FILES,
    FASHION_MNIST_SPEC,
    FashionMNIST,
    flatten_images,
    load_fashion_mnist,
    parse_idx,
)
from mlpcourse.data.splits import batches, train_val_split
from mlpcourse.data.toy import make_moons_split, make_students, student_pass_probability

__all__ = [
    "DIAMONDS_CATEGORIES",
    "DIAMONDS_SPEC",
    "load_diamonds",
    "FASHION_MNIST_CLASSES",
    "FASHION_MNIST_FILES",
    "FASHION_MNIST_SPEC",
    "DataNotFoundError",
    "DatasetSpec",
    "FashionMNIST",
    "batches",
    "cache_dir",
    "data_search_path",
    "fetch_verified",
    "flatten_images",
    "load_fashion_mnist",
    "make_moons_split",
    "make_students",
    "parse_idx",
    "read_verified",
    "student_pass_probability",
    "train_val_split",
    "validate_same_length",
]
