"""mlpcourse.checkpoints: a round trip, atomic writes, weights-only loads, all-or-nothing loads."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from torch import nn

from mlpcourse import (
    MLP,
    CheckpointError,
    load_checkpoint,
    save_checkpoint,
)
from mlpcourse import checkpoints as checkpoints_module

# --- checkpoints ------------------------------------------------------------------------------


def test_checkpoint_round_trip_with_optimizer_and_metadata(tmp_path: Path) -> None:
    model = MLP(4, [8], 3)
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    model(torch.randn(2, 4)).sum().backward()
    opt.step()
    path = save_checkpoint(tmp_path / "sub" / "m.pt", model, opt, metadata={"epochs": 3})
    fresh = MLP(4, [8], 3)
    fresh_opt = torch.optim.Adam(fresh.parameters(), lr=0.01)
    assert load_checkpoint(path, fresh, fresh_opt) == {"epochs": 3}
    for a, b in zip(model.state_dict().values(), fresh.state_dict().values(), strict=True):
        assert torch.equal(a, b)
    assert fresh_opt.state_dict()["state"][0]["step"] == 1


def test_checkpoint_for_another_architecture_names_the_mismatch(tmp_path: Path) -> None:
    path = save_checkpoint(tmp_path / "m.pt", MLP(784, [256], 10), metadata={"hidden": [256]})
    with pytest.raises(CheckpointError) as err:
        load_checkpoint(path, MLP(784, [128], 10))
    message = str(err.value)
    assert (
        "'1.weight' has shape (256, 784) in the checkpoint but (128, 784) in the model" in message
    )
    assert "same architecture" in message and "'hidden': [256]" in message
    with pytest.raises(CheckpointError, match="missing from the checkpoint"):
        load_checkpoint(path, MLP(784, [256, 64], 10))


def test_write_is_atomic_a_crash_leaves_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = save_checkpoint(tmp_path / "m.pt", MLP(2, [3], 2), metadata={"version": 1})

    def crash(obj, f, *args, **kwargs) -> None:
        f.write(b"half a checkpoint")
        raise KeyboardInterrupt  # e.g. the student stops the kernel mid-save

    monkeypatch.setattr(checkpoints_module.torch, "save", crash)
    with pytest.raises(KeyboardInterrupt):
        save_checkpoint(path, MLP(2, [3], 2), metadata={"version": 2})
    monkeypatch.undo()
    assert load_checkpoint(path, MLP(2, [3], 2)) == {"version": 1}
    assert [p.name for p in tmp_path.iterdir()] == ["m.pt"]  # no temporary file left


def test_loading_is_weights_only_and_rejects_foreign_files(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="save_checkpoint"):
        load_checkpoint(tmp_path / "none.pt", MLP(2, [3], 2))
    (tmp_path / "text.pt").write_text("not a checkpoint")
    with pytest.raises(CheckpointError, match="not a readable checkpoint"):
        load_checkpoint(tmp_path / "text.pt", MLP(2, [3], 2))
    torch.save(MLP(2, [3], 2).state_dict(), tmp_path / "bare.pt")
    with pytest.raises(CheckpointError, match="load_state_dict"):
        load_checkpoint(tmp_path / "bare.pt", MLP(2, [3], 2))
    # A pickled module (arbitrary code on load) is refused by weights_only=True.
    torch.save({"format": "mlpcourse-checkpoint-1", "model": nn.Linear(2, 2)}, tmp_path / "p.pt")
    with pytest.raises(CheckpointError, match="not a readable checkpoint"):
        load_checkpoint(tmp_path / "p.pt", MLP(2, [3], 2))
    save_checkpoint(tmp_path / "m.pt", MLP(2, [3], 2))
    with pytest.raises(CheckpointError, match="no optimizer state"):
        model = MLP(2, [3], 2)
        load_checkpoint(tmp_path / "m.pt", model, torch.optim.SGD(model.parameters(), lr=0.1))


# --- checkpoints: what is saved loads, and a load is all or nothing ----------------------------


def _trained(seed: int = 0) -> tuple[MLP, torch.optim.Optimizer]:
    torch.manual_seed(seed)
    model = MLP(4, [8], 3)
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    model(torch.randn(2, 4)).sum().backward()
    opt.step()
    return model, opt


def _snapshot(model: nn.Module, opt: torch.optim.Optimizer) -> tuple[dict, dict]:
    import copy

    return copy.deepcopy(model.state_dict()), copy.deepcopy(opt.state_dict())


def _unchanged(model: nn.Module, opt: torch.optim.Optimizer, before: tuple[dict, dict]) -> bool:
    same_model = all(
        torch.equal(a, b)
        for a, b in zip(model.state_dict().values(), before[0].values(), strict=True)
    )
    return same_model and str(opt.state_dict()) == str(before[1])


def test_numpy_scalars_in_metadata_become_python_numbers(tmp_path: Path) -> None:
    model, _ = _trained()
    meta = {
        "acc": np.float32(0.5),
        "epochs": np.int64(3),
        "sizes": (np.int32(8),),
        "ok": np.bool_(True),
    }
    path = save_checkpoint(tmp_path / "m.pt", model, metadata=meta)
    loaded = load_checkpoint(path, MLP(4, [8], 3))
    assert loaded == {"acc": 0.5, "epochs": 3, "sizes": (8,), "ok": True}
    assert type(loaded["acc"]) is float and type(loaded["epochs"]) is int


@pytest.mark.parametrize(
    ("value", "message"),
    [(np.zeros(3), "tolist"), (object(), "object"), ({1.5: "x"}, "key"), (Path("/x"), "Path")],
)
def test_metadata_the_loader_would_refuse_is_refused_at_save(
    tmp_path: Path, value: object, message: str
) -> None:
    model, _ = _trained()
    with pytest.raises(CheckpointError, match=message):
        save_checkpoint(tmp_path / "m.pt", model, metadata={"bad": value})
    assert not (tmp_path / "m.pt").exists() and list(tmp_path.iterdir()) == []


def test_another_optimizer_type_is_refused_and_nothing_changes(tmp_path: Path) -> None:
    path = save_checkpoint(tmp_path / "m.pt", *_trained(0))
    model = MLP(4, [8], 3)
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    before = _snapshot(model, opt)
    with pytest.raises(CheckpointError, match="Adam"):
        load_checkpoint(path, model, opt)
    assert _unchanged(model, opt, before)


def test_another_model_class_is_refused(tmp_path: Path) -> None:
    model, _ = _trained()
    path = save_checkpoint(tmp_path / "m.pt", model)
    twin = nn.Sequential(*list(MLP(4, [8], 3)))  # same layers and keys, another class
    before = [p.clone() for p in twin.parameters()]
    with pytest.raises(CheckpointError, match="MLP"):
        load_checkpoint(path, twin)
    assert all(torch.equal(a, b) for a, b in zip(twin.parameters(), before, strict=True))


def test_a_failing_optimizer_load_leaves_model_and_optimizer_untouched(tmp_path: Path) -> None:
    torch.manual_seed(1)
    saved = MLP(4, [8], 3)
    first_layer_only = torch.optim.Adam(saved[1].parameters(), lr=0.01)  # a different group size
    path = save_checkpoint(tmp_path / "m.pt", saved, first_layer_only)
    model, opt = _trained(2)
    before = _snapshot(model, opt)
    with pytest.raises(CheckpointError, match="unchanged"):
        load_checkpoint(path, model, opt)
    assert _unchanged(model, opt, before), "the weights were loaded although the load failed"
