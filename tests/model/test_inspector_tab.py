"""The Studio's Inspect tab: the last generated clip or a corpus passage in a GateInspector."""

from __future__ import annotations

import pytest

from jazzwidget.errors import InspectError, ModelError
from jazzwidget.widgets.inspector import GateInspector
from jazzwidget.widgets.inspector_tab import LAST_CLIP, PASSAGE, InspectTab


def test_inspect_tab_shows_the_last_clip_or_a_passage(trained_model, builtin_corpus) -> None:
    last: dict = {"clip": None, "settings": {}}
    tab = InspectTab(model=lambda: trained_model, corpus=lambda: builtin_corpus,
                     last_clip=lambda: (last["clip"], last["settings"]))
    assert tab.source.value == LAST_CLIP
    with pytest.raises(InspectError, match="no clip generated yet"):
        tab.inspect()
    assert "no clip generated yet" in tab.error.message

    settings = {"seed": 6, "chords": "Dm7 G7 Cmaj7 Cmaj7", "temperature": 1.0}
    last["clip"] = trained_model.generate(seconds=6, **settings)
    last["settings"] = settings
    inspector = tab.inspect()
    assert isinstance(inspector, GateInspector) and tab.slot.children == (inspector,)
    assert inspector.clip is last["clip"] and tab.error.message == ""
    assert inspector._generate(ablate=None).values == last["clip"].values  # same settings

    tab.source.value = PASSAGE
    tab.piece.value, tab.start.value, tab.length.value = 2, 4, 20
    inspector = tab.inspect()
    assert inspector.view.n_steps == 20
    assert inspector.clip.values == builtin_corpus.piece_values[1][4:24]


def test_inspect_tab_waits_for_a_trained_model(builtin_corpus) -> None:
    tab = InspectTab(model=lambda: None, corpus=lambda: builtin_corpus,
                     last_clip=lambda: (None, {}))
    tab.source.value = PASSAGE
    with pytest.raises(ModelError, match="not been trained yet"):
        tab.inspect()
    assert "not been trained yet" in tab.error.message
