"""A gate trace's questions: an unknown gate's message, and saturation as the share of steps
strictly below ``low`` and strictly above ``high`` (found by mutation testing,
docs/mutation.md)."""

import numpy as np
import pytest

from jazzwidget.model.trace import GateTrace


def trace_of(gate: np.ndarray) -> GateTrace:
    steps = len(gate)
    return GateTrace([""] * steps, gate, gate, gate, gate, gate, gate,
                     np.arange(steps, dtype=float), np.arange(1, steps + 1, dtype=float))


def test_an_unknown_gate_names_the_gates():
    trace = trace_of(np.zeros((2, 1), np.float32))
    with pytest.raises(KeyError) as error:
        trace.gate("x")
    assert error.value.args[0] == "no gate 'x': choose one of i, f, g, o, c, h"


def test_saturation_counts_steps_strictly_beyond_the_thresholds():
    # one unit over five steps: two below 0.25, one at it, one at 0.75, one above it
    gate = np.array([[0.0], [0.2], [0.25], [0.75], [1.0]])
    assert np.array_equal(trace_of(gate).saturation("f", low=0.25, high=0.75), [[0.4, 0.2]])
    defaults = trace_of(np.array([[0.1], [0.05], [0.9], [0.95]])).saturation("i")
    assert np.array_equal(defaults, [[0.25, 0.25]])
