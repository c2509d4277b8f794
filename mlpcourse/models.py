"""Models: a configurable multi-layer perceptron built on ``nn.Sequential``, and weight init."""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

__all__ = [
    "ACTIVATIONS",
    "MLP",
    "NORMS",
    "Residual",
    "TabularMLP",
    "count_parameters",
    "init_weights",
]

ACTIVATIONS: dict[str, type[nn.Module]] = {
    "relu": nn.ReLU,
    "leaky_relu": nn.LeakyReLU,
    "gelu": nn.GELU,
    "tanh": nn.Tanh,
    "sigmoid": nn.Sigmoid,
}


NORMS: dict[str, type[nn.Module]] = {"batch": nn.BatchNorm1d, "layer": nn.LayerNorm}


class Residual(nn.Module):
    """A residual block: ``x + f(x)`` for a block ``f`` that keeps the width.

    Introduced in lesson 07.

    Parameters
    ----------
    block : nn.Module
        The block ``f``; its output must have the shape of its input.
    """

    def __init__(self, block: nn.Module) -> None:
        super().__init__()
        self.block = block

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Return ``x + block(x)``."""
        return x + self.block(x)


class MLP(nn.Sequential):
    """Flatten -> [Linear -> activation -> Dropout] per hidden size -> Linear; returns logits.

    Introduced in lesson 05.

    Parameters
    ----------
    in_features : int
        Inputs per example (images are flattened first).
    hidden_sizes : sequence of int
        Units of each hidden layer, e.g. ``(256, 128)``; empty for a linear model.
    out_features : int
        Outputs: classes for a classifier, 1 for regression or a binary classifier.
    activation : str, default "relu"
        One of ``ACTIVATIONS``: relu, leaky_relu, gelu, tanh, sigmoid.
    dropout : float, default 0.0
        Dropout probability after each hidden activation, in [0, 1).
    norm : str, optional
        "batch" (``BatchNorm1d``) or "layer" (``LayerNorm``) between each hidden Linear and its
        activation (lesson 07).
    residual : bool, default False
        Wrap each hidden layer whose input and output widths match as ``x + f(x)`` (lesson 07).
    """

    def __init__(
        self,
        in_features: int,
        hidden_sizes: Sequence[int],
        out_features: int,
        activation: str = "relu",
        dropout: float = 0.0,
        norm: str | None = None,
        residual: bool = False,
    ) -> None:
        if activation not in ACTIVATIONS:
            raise ValueError(
                f"unknown activation {activation!r}; choose one of {sorted(ACTIVATIONS)}"
            )
        if norm is not None and norm not in NORMS:
            raise ValueError(f"unknown norm {norm!r}; choose one of {sorted(NORMS)} or None")
        if not 0.0 <= dropout < 1.0:
            raise ValueError(f"dropout is a probability in [0, 1), got {dropout}")
        sizes = [in_features, *hidden_sizes]
        if any(s < 1 for s in [*sizes, out_features]):
            raise ValueError(f"layer sizes must be positive, got {sizes + [out_features]}")
        layers: list[nn.Module] = [nn.Flatten()]
        for fan_in, fan_out in zip(sizes[:-1], sizes[1:], strict=True):
            hidden: list[nn.Module] = [nn.Linear(fan_in, fan_out)]
            if norm is not None:
                hidden.append(NORMS[norm](fan_out))
            hidden.append(ACTIVATIONS[activation]())
            if dropout > 0:
                hidden.append(nn.Dropout(dropout))
            if residual and fan_in == fan_out:
                layers.append(Residual(nn.Sequential(*hidden)))
            else:
                layers += hidden
        layers.append(nn.Linear(sizes[-1], out_features))
        super().__init__(*layers)
        self.in_features = in_features
        self.hidden_sizes = tuple(hidden_sizes)
        self.out_features = out_features
        self.activation = activation
        self.dropout = dropout
        self.norm = norm
        self.residual = residual

    def extra_repr(self) -> str:
        """Return the constructor's arguments, shown when the model is printed."""
        return (
            f"in_features={self.in_features}, hidden_sizes={self.hidden_sizes}, "
            f"out_features={self.out_features}, activation={self.activation!r}, "
            f"dropout={self.dropout}"
            + (f", norm={self.norm!r}" if self.norm else "")
            + (", residual=True" if self.residual else "")
        )


class TabularMLP(nn.Module):
    """An MLP for a table: numeric columns plus categories, each category a learned vector.

    The input is one float tensor per batch: the ``n_numeric`` (scaled) numeric columns first,
    then one column per categorical feature holding its integer code (0..cardinality-1). Each
    code is looked up in its own ``nn.Embedding`` and the vectors are concatenated with the
    numeric columns before the MLP. Packing codes into the same tensor lets ``mlp.fit`` and
    ``mlp.batches`` train it like any other model. Introduced in lesson 09.

    **Unknown categories.** A code of -1 (what pandas' ``.cat.codes`` gives for a missing value
    or a category the column's levels do not list) or NaN means "unknown": such a row gets its
    column's *unknown* vector, a learned vector that starts at zero (the embeddings' mean is
    near zero too), so a category never seen in training is treated as an average one. Any
    other code outside 0..cardinality-1, and any code that is not a whole number (scaled codes,
    say), is refused with a ``ValueError`` that says what was found.

    Parameters
    ----------
    n_numeric : int
        Numeric columns at the start of each row.
    cardinalities : sequence of int
        Number of categories of each categorical column, in order.
    embedding_dim : int
        Length of every category's learned vector.
    hidden_sizes : sequence of int
        Hidden layer sizes of the MLP on top.
    out_features : int, default 1
        Outputs (1 for regression).
    """

    def __init__(
        self,
        n_numeric: int,
        cardinalities: Sequence[int],
        embedding_dim: int,
        hidden_sizes: Sequence[int],
        out_features: int = 1,
    ) -> None:
        super().__init__()
        if n_numeric < 0 or embedding_dim < 1 or any(c < 1 for c in cardinalities):
            raise ValueError(
                "n_numeric must be >= 0, embedding_dim >= 1 and every cardinality >= 1, got "
                f"{n_numeric}, {embedding_dim}, {list(cardinalities)}"
            )
        self.n_numeric = n_numeric
        self.cardinalities = tuple(cardinalities)
        self.embeddings = nn.ModuleList(nn.Embedding(c, embedding_dim) for c in cardinalities)
        # one learned vector per column for code -1 (unknown); zeros: no random draw
        self.unknown = nn.ParameterList(
            nn.Parameter(torch.zeros(embedding_dim)) for _ in self.cardinalities
        )
        width = n_numeric + embedding_dim * len(self.cardinalities)
        self.mlp = MLP(width, hidden_sizes, out_features)

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        """Return the outputs for rows ``[numeric columns | category codes]``."""
        expected = self.n_numeric + len(self.cardinalities)
        if X.ndim != 2 or X.shape[1] != expected:
            raise ValueError(
                f"expected rows of {self.n_numeric} numeric columns and {len(self.cardinalities)} "
                f"category codes ({expected} columns), got shape {tuple(X.shape)}"
            )
        numeric, codes = X[:, : self.n_numeric], self._codes(X[:, self.n_numeric :])
        vectors = []
        for i, emb in enumerate(self.embeddings):
            known = codes[:, i] >= 0
            vector = emb(codes[:, i].clamp(min=0))
            vectors.append(torch.where(known.unsqueeze(1), vector, self.unknown[i]))
        return self.mlp(torch.cat([numeric, *vectors], dim=1))

    def _codes(self, raw: torch.Tensor) -> torch.Tensor:
        """Return the category codes as integers, -1 for unknown; refuse anything else."""
        raw = raw.detach()
        missing = torch.isnan(raw)
        filled = torch.where(missing, torch.full_like(raw, -1.0), raw)
        fractional = filled != torch.round(filled)
        if bool(fractional.any()):
            column = int(fractional.any(dim=0).nonzero()[0])
            value = float(filled[:, column][fractional[:, column]][0])
            raise ValueError(
                f"category column {column} holds {value:g}, not a whole-number code: pass the "
                "codes unscaled (0..cardinality-1, -1 for unknown), after the numeric columns"
            )
        codes = filled.long()
        limits = torch.tensor(self.cardinalities, device=codes.device)
        bad = (codes < -1) | (codes >= limits)
        if bool(bad.any()):
            column = int(bad.any(dim=0).nonzero()[0])
            value = int(codes[:, column][bad[:, column]][0])
            raise ValueError(
                f"category column {column} holds code {value}, but its cardinality is "
                f"{self.cardinalities[column]}: codes must be 0..{self.cardinalities[column] - 1}, "
                "or -1 for an unknown category"
            )
        return codes


def init_weights(
    model: nn.Module, scheme: str = "kaiming", seed: int | None = None, std: float | None = None
) -> nn.Module:
    """Re-initialise every Linear layer with ``scheme``; biases become zero (except "default").

    Introduced in lesson 06.

    Parameters
    ----------
    model : nn.Module
        Its ``nn.Linear`` layers are re-initialised in place.
    scheme : str, default "kaiming"
        "kaiming" (normal, for ReLU), "xavier" (uniform), "normal" (normal with standard
        deviation ``std``, lesson 07) or "default" (PyTorch's own).
    seed : int, optional
        Seeds this initialisation only: the same seed gives the same weights, and torch's
        global generator is left as it was (what runs next does not depend on the seed).
    std : float, optional
        The standard deviation for ``scheme="normal"`` (required there, unused otherwise).

    Returns
    -------
    nn.Module
        The same model.
    """
    if scheme not in ("kaiming", "xavier", "normal", "default"):
        raise ValueError(
            f"unknown init scheme {scheme!r}; use 'kaiming', 'xavier', 'normal' or 'default'"
        )
    if scheme == "normal" and (std is None or std <= 0):
        raise ValueError(f"scheme='normal' needs a positive std, got {std!r}")
    if seed is None:
        _init_linear_layers(model, scheme, std)
    else:
        with torch.random.fork_rng():  # the global generator's state is restored afterwards
            torch.manual_seed(seed)
            _init_linear_layers(model, scheme, std)
    return model


def _init_linear_layers(model: nn.Module, scheme: str, std: float | None) -> None:
    """Re-initialise every ``nn.Linear`` of ``model`` in place with ``scheme``."""
    for module in model.modules():
        if not isinstance(module, nn.Linear):
            continue
        if scheme == "default":
            module.reset_parameters()
            continue
        if scheme == "kaiming":
            nn.init.kaiming_normal_(module.weight, nonlinearity="relu")
        elif scheme == "normal":
            nn.init.normal_(module.weight, std=std)
        else:
            nn.init.xavier_uniform_(module.weight)
        if module.bias is not None:
            nn.init.zeros_(module.bias)


def count_parameters(model: nn.Module) -> int:
    """Return the number of trainable parameters of ``model``.

    Introduced in lesson 03.

    Parameters
    ----------
    model : nn.Module
        Any model.

    Returns
    -------
    int
        The number of scalars that ``requires_grad``.
    """
    return sum(p.numel() for p in model.parameters() if p.requires_grad)
