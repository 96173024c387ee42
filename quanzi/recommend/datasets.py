"""Readers for the public data sets of the offline evaluation (no Django): they give user × item CSR matrices.

- LightGCN format (../shared/data/gowalla and any directory like it): `train.txt`, optional `valid.txt`,
  `test.txt`; one line per user, `user item item ...`, ids from 0. A line with a user and no items is allowed.
- LastFM social (../shared/data/lastfm_social): `train.tsv` / `test.tsv` `user<TAB>item<TAB>weight` and
  `trust.tsv` `user<TAB>friend` (made symmetric here: "friends" is a mutual relation for the blend).

Interactions are binary (1.0) for the ranking protocol; the LastFM listening counts are kept in `weights` for
whoever wants them, but the published protocol ranks on presence only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import scipy.sparse as sp

# ../shared/data as seen from the checkout root (/work/main): the default place of the public data sets
DEFAULT_DATA_ROOT = Path(__file__).resolve().parents[3] / "shared" / "data"


@dataclass
class Split:
    """One data set, split the published way. `valid` is empty when the data set has no validation file."""

    name: str
    train: sp.csr_matrix
    valid: sp.csr_matrix
    test: sp.csr_matrix
    friends: sp.csr_matrix | None = None  # user × user, symmetric, 0/1; only for social data sets
    weights: sp.csr_matrix | None = field(default=None, repr=False)  # raw train weights (LastFM counts)

    @property
    def n_users(self) -> int:
        return int(self.train.shape[0])

    @property
    def n_items(self) -> int:
        return int(self.train.shape[1])

    def train_valid(self) -> sp.csr_matrix:
        """Train + valid, as the published tables train for the test figure (binary)."""
        return _binary(self.train + self.valid)


def _binary(m: sp.spmatrix) -> sp.csr_matrix:
    m = sp.csr_matrix(m, dtype=np.float32)
    m.sum_duplicates()
    m.data[:] = 1.0
    m.eliminate_zeros()
    return m


def _read_lightgcn_lines(path: Path) -> tuple[np.ndarray, np.ndarray, int]:
    """(user per interaction, item per interaction, largest user id seen, including users without items)."""
    users: list[np.ndarray] = []
    items: list[np.ndarray] = []
    max_user = -1
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            parts = line.split()
            if not parts:
                continue
            try:
                ids = np.array(parts, dtype=np.int64)
            except ValueError:
                raise ValueError(f"{path}:{number}: expected integers `user item item ...`") from None
            if (ids < 0).any():
                raise ValueError(f"{path}:{number}: negative id")
            max_user = max(max_user, int(ids[0]))
            users.append(np.full(len(ids) - 1, ids[0], dtype=np.int64))
            items.append(ids[1:])
    if not users:
        return np.empty(0, np.int64), np.empty(0, np.int64), max_user
    return np.concatenate(users), np.concatenate(items), max_user


def load_lightgcn(directory: str | Path, name: str | None = None) -> Split:
    """Read a LightGCN-format directory (train.txt, optional valid.txt, test.txt)."""
    directory = Path(directory)
    for required in ("train.txt", "test.txt"):
        if not (directory / required).is_file():
            raise FileNotFoundError(f"{directory / required} is missing (LightGCN format: train.txt, test.txt)")
    parts = {part: _read_lightgcn_lines(directory / f"{part}.txt")
             for part in ("train", "valid", "test") if (directory / f"{part}.txt").is_file()}
    n_users = 1 + max((max_user for _, _, max_user in parts.values()), default=-1)
    n_items = 1 + max((int(i.max()) for _, i, _ in parts.values() if len(i)), default=-1)
    shape = (n_users, n_items)

    def matrix(part: str) -> sp.csr_matrix:
        if part not in parts:
            return sp.csr_matrix(shape, dtype=np.float32)
        u, i, _ = parts[part]
        return _binary(sp.csr_matrix((np.ones(len(u), np.float32), (u, i)), shape=shape))

    return Split(name=name or directory.name, train=matrix("train"), valid=matrix("valid"), test=matrix("test"))


def _read_tsv(path: Path, columns: int) -> np.ndarray:
    # float first: the LastFM weights column has values like 3.2466e+05; ids are whole numbers
    rows = np.loadtxt(path, dtype=np.float64, delimiter="\t", ndmin=2).astype(np.int64)
    if rows.size and rows.shape[1] < columns:
        raise ValueError(f"{path}: expected {columns} tab-separated columns")
    return rows.reshape(-1, rows.shape[1] if rows.size else columns)


def load_lastfm_social(directory: str | Path, name: str | None = None) -> Split:
    """Read the LastFM social split (train.tsv, test.tsv, trust.tsv). It has no validation file: `valid` is
    empty, so tuning on it must carve its own hold-out out of train (see evaluation.holdout_split)."""
    directory = Path(directory)
    train = _read_tsv(directory / "train.tsv", 2)
    test = _read_tsv(directory / "test.tsv", 2)
    trust = _read_tsv(directory / "trust.tsv", 2)
    n_users = 1 + int(max(train[:, 0].max(), test[:, 0].max(), trust[:, :2].max()))
    n_items = 1 + int(max(train[:, 1].max(), test[:, 1].max()))
    shape = (n_users, n_items)
    weights = sp.csr_matrix((train[:, 2].astype(np.float32) if train.shape[1] > 2 else np.ones(len(train), np.float32),
                             (train[:, 0], train[:, 1])), shape=shape)
    friends = sp.csr_matrix((np.ones(len(trust), np.float32), (trust[:, 0], trust[:, 1])), shape=(n_users, n_users))
    friends = _binary(friends + friends.T)
    friends.setdiag(0)
    friends.eliminate_zeros()

    def matrix(rows: np.ndarray) -> sp.csr_matrix:
        return _binary(sp.csr_matrix((np.ones(len(rows), np.float32), (rows[:, 0], rows[:, 1])), shape=shape))

    return Split(name=name or directory.name, train=matrix(train), valid=sp.csr_matrix(shape, dtype=np.float32),
                 test=matrix(test), friends=friends, weights=weights)


def load(directory: str | Path) -> Split:
    """Either format, told apart by the files present."""
    directory = Path(directory)
    if (directory / "train.tsv").is_file() and (directory / "trust.tsv").is_file():
        return load_lastfm_social(directory)
    return load_lightgcn(directory)
