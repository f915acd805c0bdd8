"""Distance densities: two sets of melodies compared per feature (Yang & Lerch 2018, sec. 3.2).

For each feature, the distances within the reference set (every ordered pair of two different
members: leave-one-out, "intra-set") and between the sets (every reference member against every
other-set member, "inter-set") are smoothed into densities by a Gaussian kernel density estimate
(Scott's bandwidth, as ``scipy.stats.gaussian_kde``). Two figures compare those densities:

* overlapped area ``OA = integral of min(p_intra, p_inter)`` over the range of both distance
  sets, in [0, 1]: 1 when the generated set sits as close to the reference as the reference
  to itself;
* ``KLD(p_intra || p_inter)``.

Both densities are evaluated on one shared grid of 1,000 points (mgeval's ``kl_dist`` evaluates
each on its own grid, a flaw not kept here). numpy only: no scipy.
"""

from __future__ import annotations

import numpy as np

GRID_POINTS = 1000


def scott_bandwidth(samples: np.ndarray) -> float:
    """Scott's rule for one dimension, as scipy's default: ``std (ddof 1) * n ** (-1/5)``."""
    samples = np.asarray(samples, dtype=np.float64)
    if len(samples) < 2:
        return 0.0
    return float(samples.std(ddof=1) * len(samples) ** (-1 / 5))


def gaussian_kde(samples: np.ndarray, grid: np.ndarray, bandwidth: float | None = None
                 ) -> np.ndarray:
    """The Gaussian kernel density of ``samples`` at the points of ``grid``.

    A set whose samples are all equal has no spread for Scott's rule; it gets a narrow kernel
    (1e-3 of the grid's span, or 1e-3) instead of scipy's singular-matrix error.
    """
    samples = np.asarray(samples, dtype=np.float64)
    grid = np.asarray(grid, dtype=np.float64)
    h = scott_bandwidth(samples) if bandwidth is None else bandwidth
    if h <= 0:
        h = 1e-3 * (float(np.ptp(grid)) or 1.0)
    z = (grid[:, None] - samples[None, :]) / h
    return np.exp(-0.5 * z * z).sum(axis=1) / (len(samples) * h * np.sqrt(2 * np.pi))


def shared_grid(a: np.ndarray, b: np.ndarray, points: int = GRID_POINTS) -> np.ndarray:
    """Evenly spaced points from the smallest to the largest value of both sets."""
    both = np.concatenate([np.ravel(a), np.ravel(b)]).astype(np.float64)
    low, high = float(both.min()), float(both.max())
    if high <= low:
        low, high = low - 0.5, high + 0.5
    return np.linspace(low, high, points)


def overlapped_area(a: np.ndarray, b: np.ndarray, points: int = GRID_POINTS) -> float:
    """Area under the smaller of the two sets' kernel densities, on their shared range."""
    grid = shared_grid(a, b, points)
    low = np.minimum(gaussian_kde(a, grid), gaussian_kde(b, grid))
    area = float(((low[1:] + low[:-1]) / 2 * np.diff(grid)).sum())  # trapezoid rule
    return min(max(area, 0.0), 1.0)


def kl_divergence(a: np.ndarray, b: np.ndarray, points: int = GRID_POINTS) -> float:
    """KL divergence (nats) of set b's density from set a's, ``KLD(p_a || p_b)``, both on the
    shared grid and normalised there (as ``scipy.stats.entropy`` normalises)."""
    grid = shared_grid(a, b, points)
    p, q = gaussian_kde(a, grid), gaussian_kde(b, grid)
    p, q = p / p.sum(), np.maximum(q / q.sum(), 1e-300)
    mask = p > 0
    return float((p[mask] * np.log(p[mask] / q[mask])).sum())


def _flat(features: np.ndarray) -> np.ndarray:
    features = np.asarray(features, dtype=np.float64)
    return features.reshape(len(features), -1)


def intra_set_distances(features: np.ndarray) -> np.ndarray:
    """Euclidean distances between every two different members of one set (each member
    against the n-1 others; n(n-1) values). ``features`` is (n, ...) per member."""
    x = _flat(features)
    d = np.sqrt(((x[:, None, :] - x[None, :, :]) ** 2).sum(axis=-1))
    return d[~np.eye(len(x), dtype=bool)]


def inter_set_distances(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Euclidean distances from every member of set a to every member of set b."""
    x, y = _flat(a), _flat(b)
    return np.sqrt(((x[:, None, :] - y[None, :, :]) ** 2).sum(axis=-1)).ravel()


def compare_feature(reference: np.ndarray, generated: np.ndarray) -> dict[str, float]:
    """OA and KLD between the reference set's intra-set distances and the inter-set ones.

    ``reference`` and ``generated`` hold one feature per member, (n, ...) each; rows with a NaN
    are left out. Returns ``{"overlapped_area", "kl_divergence"}`` (NaN when either set has
    fewer than two usable members).
    """
    ref, gen = _flat(reference), _flat(generated)
    ref, gen = ref[~np.isnan(ref).any(axis=1)], gen[~np.isnan(gen).any(axis=1)]
    if len(ref) < 2 or len(gen) < 1:
        return {"overlapped_area": float("nan"), "kl_divergence": float("nan")}
    intra, inter = intra_set_distances(ref), inter_set_distances(ref, gen)
    return {"overlapped_area": overlapped_area(intra, inter),
            "kl_divergence": kl_divergence(intra, inter)}
