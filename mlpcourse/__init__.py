"""mlpcourse: the helpers shared by the course notebooks, used as ``import mlpcourse as mlp``.

Rooms: ``data`` (data sets, verified downloads, minibatches and splits), ``models`` (MLP),
``training`` (fit, History), ``evaluation`` (predict, evaluate, metrics), ``plotting`` (figures of data and predictions), ``curves`` (training curves), ``layer_plots`` (figures of per-layer diagnostics), ``env`` (seeds, device),
``checks`` (argument checks with advice), ``compare`` (paired comparisons, mean ± standard error), ``checkpoints`` (save/load), ``files`` (atomic writes), ``diagnostics`` (per-layer statistics, update-to-weight ratios, similarity between examples), ``debugging`` (checks before a long run: initial loss, one-batch fit, gradient check), ``tuning`` (a sweep that brackets its best value, the learning-rate range test), ``exercises`` (``check_*``: quick checks of a student's function), ``answers`` (``check_answer``: the check of every code exercise, by its label).
Everything a lesson calls is on this namespace: ``mlp.fit(...)``, ``mlp.load_fashion_mnist()``.
"""

from importlib import metadata as _metadata

from mlpcourse.answers import check_answer, grade_answer
from mlpcourse.checkpoints import CheckpointError, load_checkpoint, save_checkpoint
from mlpcourse.checks import validate_labels
from mlpcourse.compare import compare_paired, compare_seeds, mean_se
from mlpcourse.curves import (
    plot_histories,
    plot_history,
    plot_lr_range_test,
    plot_small_multiples,
    plot_sweep,
)
from mlpcourse.data import (
    FASHION_MNIST_CLASSES,
    DataNotFoundError,
    FashionMNIST,
    batches,
    flatten_images,
    load_diamonds,
    load_fashion_mnist,
    make_moons_split,
    make_students,
    student_pass_probability,
    train_val_split,
)
from mlpcourse.debugging import (
    GradientCheck,
    InitialLoss,
    OneBatchFit,
    gradient_check,
    initial_loss_check,
    overfit_one_batch,
)
from mlpcourse.diagnostics import example_similarity, layer_statistics, update_ratios
from mlpcourse.env import environment_summary, get_device, native_stderr_silenced, set_seed
from mlpcourse.evaluation import (
    accuracy,
    accuracy_se,
    confusion_matrix,
    evaluate,
    predict,
)
from mlpcourse.exercises import (
    check_accuracy,
    check_cross_entropy,
    check_mlp_shapes,
    check_relu,
    check_softmax,
)
from mlpcourse.layer_plots import plot_layer_statistics, plot_per_layer, plot_update_ratios
from mlpcourse.models import MLP, Residual, TabularMLP, count_parameters, init_weights
from mlpcourse.plotting import (
    plot_confusion_matrix,
    plot_decision_boundary,
    plot_image_grid,
    plot_parity,
    plot_residuals,
    plot_weight_images,
)
from mlpcourse.training import History, fit
from mlpcourse.tuning import LRRangeTest, Sweep, lr_range_test, sweep

try:  # one source for the version: pyproject.toml, through the installed package's metadata
    __version__ = _metadata.version("mlpcourse")
except _metadata.PackageNotFoundError:  # imported from a source tree that was never installed
    __version__ = "unknown"

__all__ = [
    "FASHION_MNIST_CLASSES",
    "MLP",
    "Residual",
    "TabularMLP",
    "CheckpointError",
    "DataNotFoundError",
    "FashionMNIST",
    "GradientCheck",
    "InitialLoss",
    "OneBatchFit",
    "History",
    "LRRangeTest",
    "Sweep",
    "accuracy",
    "accuracy_se",
    "batches",
    "check_accuracy",
    "check_answer",
    "check_cross_entropy",
    "check_mlp_shapes",
    "check_relu",
    "check_softmax",
    "compare_paired",
    "compare_seeds",
    "confusion_matrix",
    "count_parameters",
    "environment_summary",
    "evaluate",
    "example_similarity",
    "fit",
    "flatten_images",
    "get_device",
    "grade_answer",
    "gradient_check",
    "init_weights",
    "initial_loss_check",
    "layer_statistics",
    "load_checkpoint",
    "load_diamonds",
    "load_fashion_mnist",
    "lr_range_test",
    "make_moons_split",
    "make_students",
    "mean_se",
    "native_stderr_silenced",
    "overfit_one_batch",
    "plot_confusion_matrix",
    "plot_decision_boundary",
    "plot_histories",
    "plot_history",
    "plot_image_grid",
    "plot_layer_statistics",
    "plot_lr_range_test",
    "plot_parity",
    "plot_per_layer",
    "plot_residuals",
    "plot_weight_images",
    "plot_small_multiples",
    "plot_sweep",
    "plot_update_ratios",
    "predict",
    "save_checkpoint",
    "set_seed",
    "student_pass_probability",
    "sweep",
    "train_val_split",
    "update_ratios",
    "validate_labels",
]
