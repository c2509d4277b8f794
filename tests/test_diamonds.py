"""mlpcourse.load_diamonds: the real table shipped inside the package, and clear errors when it is
missing or its content changed."""

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


def test_the_table_ships_inside_the_package_without_plotnine() -> None:
    import importlib.util

    assert (diamonds._package_data_dir() / "diamonds.csv.gz").is_file()
    assert Path(diamonds.__file__).parent == diamonds._package_data_dir()
    # nothing in the loader asks for the plotting package the table used to come from
    assert "plotnine" not in Path(diamonds.__file__).read_text().split('"""', 2)[2]
    assert importlib.util.find_spec("mlpcourse.data") is not None


def test_package_copy_missing_says_how_to_restore_it(
    no_other_copies: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(diamonds, "_package_data_dir", lambda: no_other_copies / "empty")
    with pytest.raises(mlp.DataNotFoundError, match="reinstall the course package"):
        mlp.load_diamonds()


def test_changed_content_is_refused(no_other_copies: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import gzip

    fake = no_other_copies / "pkgdata"
    fake.mkdir()
    (fake / "diamonds.csv.gz").write_bytes(
        gzip.compress(
            b"carat,cut,color,clarity,depth,table,price,x,y,z\n0.2,Ideal,E,SI2,61,55,1,3,3,2\n"
        )
    )
    monkeypatch.setattr(diamonds, "_package_data_dir", lambda: fake)
    with pytest.raises(mlp.DataNotFoundError) as err:
        mlp.load_diamonds()
    assert "SHA-256" in str(err.value) and "reinstall the course package" in str(err.value)


def test_a_root_with_a_verified_copy_is_used_first(no_other_copies: Path) -> None:
    source = diamonds._package_data_dir() / "diamonds.csv.gz"
    root = no_other_copies / "mine"
    root.mkdir()
    (root / "diamonds.csv.gz").write_bytes(source.read_bytes())
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


# --- category codes: unknown means one learned vector; everything else is refused clearly -------


def _tabular() -> object:
    import torch

    torch.manual_seed(0)
    return mlp.TabularMLP(1, [3, 4], embedding_dim=2, hidden_sizes=[8])


@pytest.mark.parametrize("unknown", [-1.0, float("nan")])
def test_an_unknown_category_gets_the_unknown_vector(unknown: float) -> None:
    import torch

    model = _tabular()
    with torch.no_grad():
        model.unknown[0] += 1.0  # tell the unknown vector apart from every known one
    rows = torch.tensor([[0.5, unknown, 1.0], [0.5, 0.0, 1.0], [0.5, 2.0, 1.0]])
    out = model(rows)
    assert torch.isfinite(out).all()
    assert not torch.equal(out[0], out[1]) and not torch.equal(out[0], out[2])
    assert "-1" in (mlp.TabularMLP.__doc__ or "") and "unknown" in (mlp.TabularMLP.__doc__ or "")


@pytest.mark.parametrize(
    ("code", "message"),
    [
        (0.25, "holds 0.25, not a whole-number code"),  # scaled codes were truncated silently
        (-0.8, "holds -0.8, not a whole-number code"),  # became category 0 silently
        (3.0, "holds code 3, but its cardinality is 3"),  # "index out of range in self"
        (-2.0, "holds code -2"),
    ],
)
def test_codes_that_are_not_categories_are_refused(code: float, message: str) -> None:
    import torch

    model = _tabular()
    with pytest.raises(ValueError, match=message):
        model(torch.tensor([[0.5, code, 1.0]]))


def test_the_unknown_vectors_leave_known_rows_unchanged() -> None:
    import torch

    model = _tabular()
    rows = torch.tensor([[0.5, 1.0, 3.0], [-0.2, 2.0, 0.0]])
    numeric = rows[:, :1]
    vectors = [model.embeddings[0](rows[:, 1].long()), model.embeddings[1](rows[:, 2].long())]
    expected = model.mlp(torch.cat([numeric, *vectors], dim=1))
    assert torch.equal(model(rows), expected)


def test_a_changed_table_names_the_versions_that_ship_the_right_one(
    no_other_copies: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gzip

    shipped = no_other_copies / "old-install"
    shipped.mkdir()
    (shipped / "diamonds.csv.gz").write_bytes(gzip.compress(b"carat,cut\n0.2,Ideal\n"))
    monkeypatch.setattr(diamonds, "_package_data_dir", lambda: shipped)
    with pytest.raises(mlp.DataNotFoundError, match="every version since 0.4.0"):
        mlp.load_diamonds()
