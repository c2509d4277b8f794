"""mlpcourse.load_diamonds: the real table from plotnine, and clear errors when it is missing or
its content changed."""

from __future__ import annotations

from pathlib import Path

import pytest

import mlpcourse as mlp
from mlpcourse.data import diamonds


@pytest.fixture
def no_other_copies(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("MLPCOURSE_DATA", raising=False)
    return tmp_path


def test_the_real_table_loads_with_ordered_categories(no_other_copies: Path) -> None:
    table = mlp.load_diamonds()
    assert table.shape == (53940, 10)
    assert list(table.columns) == [
        "carat",
        "cut",
        "color",
        "clarity",
        "depth",
        "table",
        "price",
        "x",
        "y",
        "z",
    ]
    assert list(table["cut"].cat.categories) == ["Fair", "Good", "Very Good", "Premium", "Ideal"]
    assert (
        table["cut"].cat.ordered and table["cut"].notna().all() and table["clarity"].notna().all()
    )
    assert table["price"].min() == 326 and table["price"].max() == 18823


def test_package_missing_names_the_package(
    no_other_copies: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(diamonds, "_package_data_dir", lambda package="plotnine": None)
    with pytest.raises(mlp.DataNotFoundError, match="pip install plotnine"):
        mlp.load_diamonds()


def test_changed_content_is_refused(no_other_copies: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = no_other_copies / "pkgdata"
    fake.mkdir()
    (fake / "diamonds.csv").write_text(
        "carat,cut,color,clarity,depth,table,price,x,y,z\n0.2,Ideal,E,SI2,61,55,1,3,3,2\n"
    )
    monkeypatch.setattr(diamonds, "_package_data_dir", lambda package="plotnine": fake)
    with pytest.raises(mlp.DataNotFoundError) as err:
        mlp.load_diamonds()
    assert "SHA-256" in str(err.value) and "pip install plotnine" in str(err.value)


def test_a_root_with_a_verified_copy_is_used_first(no_other_copies: Path) -> None:
    source = diamonds._package_data_dir() / "diamonds.csv"
    root = no_other_copies / "mine"
    root.mkdir()
    (root / "diamonds.csv").write_bytes(source.read_bytes())
    assert len(mlp.load_diamonds(root=root)) == 53940


def test_tabular_mlp_embeds_codes_and_checks_its_input() -> None:
    import torch

    model = mlp.TabularMLP(2, [3, 4], embedding_dim=2, hidden_sizes=[8])
    X = torch.tensor([[0.5, -1.0, 2.0, 3.0], [0.1, 0.2, 0.0, 0.0]])
    assert model(X).shape == (2, 1)
    assert [e.weight.shape for e in model.embeddings] == [(3, 2), (4, 2)]
    # a row's output depends on its category's vector
    before = model(X).detach().clone()
    with torch.no_grad():
        model.embeddings[0].weight[2] += 1.0
    after = model(X).detach()
    assert not torch.equal(before[0], after[0]) and torch.equal(before[1], after[1])
    with pytest.raises(ValueError, match="2 numeric columns and 2 category codes"):
        model(torch.zeros(3, 5))
    with pytest.raises(ValueError, match="cardinality"):
        mlp.TabularMLP(2, [0], embedding_dim=2, hidden_sizes=[8])
