"""mlpcourse: the helpers shared by the course notebooks.

Rooms: ``data`` (Fashion-MNIST, toy sets, minibatches), ``models`` (MLP), ``training`` (fit,
evaluate, metrics), ``plotting`` (figures), ``env`` (seeds, device), ``checkpoints``
(save/load), ``exercises`` (quick checks of a student's answer).
"""

from mlpcourse.checkpoints import CheckpointError, load_checkpoint, save_checkpoint
from mlpcourse.data import (
    FASHION_MNIST_CLASSES,
    DataNotFoundError,
    FashionMNIST,
    batches,
    flatten_images,
    load_fashion_mnist,
    make_moons_split,
    make_students,
    train_val_split,
)
from mlpcourse.env import environment_summary, get_device, set_seed
from mlpcourse.exercises import (
    check_accuracy,
    check_cross_entropy,
    check_mlp_shapes,
    check_relu,
    check_softmax,
)
from mlpcourse.models import MLP, count_parameters, init_weights
from mlpcourse.training import (
    History,
    accuracy,
    check_labels,
    confusion_matrix,
    evaluate,
    fit,
    predict,
)

__version__ = "0.1.0"

__all__ = [
    "FASHION_MNIST_CLASSES",
    "MLP",
    "CheckpointError",
    "DataNotFoundError",
    "FashionMNIST",
    "History",
    "accuracy",
    "batches",
    "check_accuracy",
    "check_cross_entropy",
    "check_labels",
    "check_mlp_shapes",
    "check_relu",
    "check_softmax",
    "confusion_matrix",
    "count_parameters",
    "environment_summary",
    "evaluate",
    "fit",
    "flatten_images",
    "get_device",
    "init_weights",
    "load_checkpoint",
    "load_fashion_mnist",
    "make_moons_split",
    "make_students",
    "predict",
    "save_checkpoint",
    "set_seed",
    "train_val_split",
]
