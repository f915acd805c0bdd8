"""Unit ordering, saturation, hypothesis search and firing spans on hand-made traces."""

import numpy as np
import pytest

from jazzwidget.errors import InspectError
from jazzwidget.inspect import find_units, firing_spans, unit_order, unit_scores
from jazzwidget.inspect.ordering import agglomerative_order
from jazzwidget.model.trace import GateTrace


def make_trace(**gates: np.ndarray) -> GateTrace:
    """A trace whose named gates are given (steps, n_a) and the rest 0.5 (c, g, h: 0)."""
    shape = next(iter(gates.values())).shape
    filled = {name: np.full(shape, 0.5 if name in "ifo" else 0.0, np.float32) for name in "ifgoch"}
    filled.update({k: np.asarray(v, np.float32) for k, v in gates.items()})
    steps = np.arange(shape[0], dtype=np.float64)
    return GateTrace(values=[], starts=steps, ends=steps + 1, **filled)


def test_mean_variance_and_index_orders_by_hand():
    # 4 steps x 3 units; unit 1 has the highest mean, unit 2 the highest variance
    f = np.array([[0.2, 0.9, 0.0],
                  [0.2, 0.9, 1.0],
                  [0.2, 0.9, 0.0],
                  [0.2, 0.9, 1.0]])
    trace = make_trace(f=f)
    assert unit_order(trace, "index").tolist() == [0, 1, 2]
    assert unit_order(trace, "mean", gates=["f"]).tolist() == [1, 2, 0]
    assert unit_scores(trace, "mean", "f") == pytest.approx([0.2, 0.9, 0.5])
    assert unit_order(trace, "variance", gates="f").tolist() == [2, 0, 1]  # 0 and 1 tie: by index
    assert unit_scores(trace, "variance", "f") == pytest.approx([0, 0, 0.25])
    assert unit_order(trace, "variance", gates="f", top_k=1).tolist() == [2]


def test_scores_average_over_gates_and_read_c_through_tanh():
    c = np.array([[10.0, 0.1], [-10.0, 0.1]])
    trace = make_trace(c=c)
    # tanh(+-10) is +-1: variance 1 for unit 0, 0 for unit 1; over gates i and c: half that
    assert unit_scores(trace, "variance", "ic") == pytest.approx([0.5, 0.0], abs=1e-6)


def test_saturation_by_hand_karpathy_thresholds():
    i = np.array([[0.05, 0.5, 0.95],
                  [0.05, 0.5, 0.50],
                  [0.95, 0.5, 0.50],
                  [0.50, 0.5, 0.50]])
    trace = make_trace(i=i)
    # per unit, (share below 0.1, share above 0.9)
    assert trace.saturation("i").tolist() == [[0.5, 0.25], [0, 0], [0, 0.25]]
    assert unit_scores(trace, "saturation", "i") == pytest.approx([0.75, 0.0, 0.25])
    assert unit_order(trace, "saturation", "i").tolist() == [0, 2, 1]
    # tanh-range gates saturate beyond -0.8 / 0.8 (0.1 / 0.9 once mapped to [0, 1])
    h = np.array([[-0.85, 0.7], [0.85, -0.7]])
    assert unit_scores(make_trace(h=h), "saturation", "h") == pytest.approx([1.0, 0.0])


def test_similarity_puts_units_that_move_together_side_by_side():
    t = np.linspace(0, 6, 40)
    a, b = np.sin(t), np.cos(3 * t)
    rng = np.random.default_rng(0)
    columns = [a, b, 2 * a + 0.01 * rng.normal(size=40), -b * 0.5 + 0.5, a * 0.3, b + 1]
    trace = make_trace(h=np.stack(columns, axis=1) * 0.2)
    order = unit_order(trace, "similarity", gates="h").tolist()
    assert sorted(order) == list(range(6))
    group_a = sorted(order.index(u) for u in (0, 2, 4))
    # the a-units are contiguous; so are b, 5 (3 is b upside down: correlation -1, far away)
    assert group_a in ([0, 1, 2], [3, 4, 5], [1, 2, 3], [2, 3, 4])
    assert abs(order.index(1) - order.index(5)) == 1


def test_agglomerative_order_by_hand():
    # points on a line at 0, 10, 1, 11, 5.2: {0, 2} and {1, 3} merge first, 4 joins {0, 2}
    x = np.array([0.0, 10.0, 1.0, 11.0, 5.2])
    order = agglomerative_order(np.abs(x[:, None] - x[None, :])).tolist()
    assert order == [0, 2, 4, 1, 3] or order == [3, 1, 4, 2, 0]
    assert agglomerative_order(np.zeros((1, 1))).tolist() == [0]


def test_orders_check_their_arguments():
    trace = make_trace(h=np.zeros((3, 2)))
    with pytest.raises(InspectError, match="no unit order 'loudness'"):
        unit_order(trace, "loudness")
    with pytest.raises(InspectError, match="gate names"):
        unit_order(trace, "mean", gates=("i", "x"))
    with pytest.raises(InspectError, match="top_k=0"):
        unit_order(trace, "mean", top_k=0)


def test_find_units_on_inside_off_just_before():
    h = np.zeros((8, 4))
    h[3:6, 0] = 0.9   # switches on exactly at the range: a match
    h[2:6, 1] = 0.9   # already on the step before: no match
    h[3:5, 2] = 0.9   # off at step 5 inside the range: no match with min_inside 1
    h[3:6, 3] = 0.55  # a weaker match
    trace = make_trace(h=h)
    matches = find_units(trace, 3, 6)
    assert [m.unit for m in matches] == [0, 3]
    assert matches[0].score == pytest.approx(0.9) and matches[1].score == pytest.approx(0.55)
    assert matches[0].inside == 1.0 and matches[0].before == 0.0
    assert [m.unit for m in find_units(trace, 3, 6, min_inside=0.6)] == [0, 2, 3]
    assert [m.unit for m in find_units(trace, 3, 6, threshold=0.7)] == [0]
    assert [m.unit for m in find_units(trace, 3, 6, before=0)] == [0, 1, 3]
    with pytest.raises(InspectError, match=r"steps \[6, 6\)"):
        find_units(trace, 6, 6)


def test_firing_spans_where_all_units_are_on():
    h = np.zeros((10, 3))
    h[[1, 2, 3, 6, 9], 0] = 0.8
    h[[2, 3, 4, 6, 9], 1] = 0.8
    trace = make_trace(h=h)
    assert firing_spans(trace, [0]) == [(1, 4), (6, 7), (9, 10)]
    assert firing_spans(trace, [0, 1]) == [(2, 4), (6, 7), (9, 10)]
    assert firing_spans(trace, [2]) == []
    with pytest.raises(InspectError, match="unit 3 does not exist"):
        firing_spans(trace, [3])
    with pytest.raises(InspectError, match="no units"):
        firing_spans(trace, [])


@pytest.mark.parametrize("n_a, steps", [(1, 5), (2, 3), (8, 40), (256, 30), (5, 0)])
def test_every_order_is_a_permutation_for_any_size(n_a, steps):
    rng = np.random.default_rng(n_a)
    gates = {name: rng.uniform(size=(steps, n_a)) for name in "ifgoch"}
    trace = make_trace(**gates)
    for by in ("index", "mean", "variance", "saturation", "similarity"):
        order = unit_order(trace, by, gates="ifgoch")
        assert sorted(order.tolist()) == list(range(n_a)), by
        assert order.dtype.kind == "i"
        assert unit_order(trace, by, "ifgoch", top_k=3).tolist() == order[:3].tolist()
