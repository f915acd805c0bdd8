"""`GateSnapshots`: a Keras callback that traces one fixed passage every few epochs, so the
inspector can redraw the gates (and play the clip) of any epoch: hear the model learn."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

import keras

from jazzwidget.errors import InspectError
from jazzwidget.model.step import Ablation, LSTMWeights
from jazzwidget.model.trace import GateTrace, trace_values
from jazzwidget.music.clip import Clip
from jazzwidget.music.defaults import DEFAULT_SECONDS

if TYPE_CHECKING:
    from jazzwidget.model.jazz_model import JazzModel
    from jazzwidget.music.progression import Progression


@dataclass(frozen=True)
class Snapshot:
    """The network after ``epoch`` epochs (0: before training): its weights and the trace of
    the passage."""

    epoch: int
    weights: LSTMWeights
    trace: GateTrace


class GateSnapshots(keras.callbacks.Callback):
    """Trace a fixed passage every ``every`` epochs during `JazzModel.fit`.

    Parameters
    ----------
    clip_or_values : the passage: a Clip (say ``passage_clip(corpus, 0, 0, 60)`` or a generated
        clip) or values of the model's vocabulary.
    every : epochs between snapshots. Epoch 0 (before the first epoch) and the last epoch
        trained are always taken.

    Attributes
    ----------
    snapshots : `Snapshot` list in epoch order; epochs count over the model's whole history,
        so a second ``fit`` goes on where the first stopped.

    Examples
    --------
    >>> snaps = jw.GateSnapshots(corpus_clip, every=5)
    >>> model.fit(corpus, epochs=100, callbacks=[snaps])
    >>> snaps.clip_at(10, seed=1)     # what the model improvised after 10 epochs
    """

    def __init__(self, clip_or_values: Clip | Sequence[str], every: int = 5) -> None:
        super().__init__()
        given = cast("object", clip_or_values)  # checked at run time: a notebook may pass anything
        if isinstance(given, str) or not isinstance(given, Clip | Sequence):
            raise InspectError("GateSnapshots takes a Clip or a list of values to trace")
        if int(every) < 1:
            raise InspectError(f"every={every}: take a snapshot every 1 or more epochs")
        self.passage = clip_or_values
        self.every = int(every)
        self.snapshots: list[Snapshot] = []
        self.jazz_model: JazzModel | None = None
        self._first = 0  # the model's epochs before this fit
        self._seen = 0  # epochs ended in this fit
        self._pending: tuple[int, LSTMWeights] | None = None  # the last epoch, if not taken

    def __repr__(self) -> str:
        return f"GateSnapshots(every={self.every}, epochs={self.epochs})"

    @property
    def epochs(self) -> list[int]:
        """The epochs with a snapshot, in order."""
        return [snapshot.epoch for snapshot in self.snapshots]

    def bind(self, jazz_model: JazzModel) -> None:
        """Tie the callback to the JazzModel whose fit it watches (`JazzModel.fit` does this);
        the passage is checked against its vocabulary here, before training starts."""
        if self.jazz_model is not None and self.jazz_model is not jazz_model:
            raise InspectError("these GateSnapshots belong to another model: make new ones "
                               "for this one")
        self.jazz_model = jazz_model
        self._trace(self._current_weights())  # fails now if the passage does not fit

    # ------------------------------------------------------------ Keras hooks
    def on_train_begin(self, logs: Mapping[str, Any] | None = None) -> None:
        if self.jazz_model is None:
            raise InspectError("GateSnapshots needs its JazzModel: pass it to "
                               "JazzModel.fit(corpus, callbacks=[snapshots])")
        self._first = self.jazz_model.epochs_trained
        self._seen = 0
        self._pending = None
        if self._first not in self.epochs:
            self._take(self._first, self._current_weights())

    def on_epoch_end(self, epoch: int, logs: Mapping[str, Any] | None = None) -> None:
        # counted here: Keras' ``epoch`` starts at 0 in every fit unless given initial_epoch
        self._seen += 1
        number = self._first + self._seen
        weights = self._current_weights()
        if number % self.every == 0:
            self._take(number, weights)
            self._pending = None
        else:
            self._pending = (number, weights)

    def on_train_end(self, logs: Mapping[str, Any] | None = None) -> None:
        if self._pending is not None:
            self._take(*self._pending)
            self._pending = None

    # ---------------------------------------------------------------- reading
    def snapshot(self, epoch: int) -> Snapshot:
        """The snapshot taken after ``epoch`` epochs."""
        for snapshot in self.snapshots:
            if snapshot.epoch == epoch:
                return snapshot
        raise InspectError(f"no snapshot of epoch {epoch}: there are epochs "
                           f"{', '.join(map(str, self.epochs)) or 'none (fit first)'}")

    def clip_at(self, epoch: int, seconds: float = DEFAULT_SECONDS, tempo: float | None = None,
                temperature: float = 1.0, seed: int | None = 0,
                chords: str | Progression | None = None,
                prime: Sequence[str] | Clip | None = None,
                ablate: Ablation | Mapping[str, Any] | None = None) -> Clip:
        """The clip the model would have improvised after ``epoch`` epochs: `JazzModel.generate`
        with that epoch's weights (the same seed, chords and prime give comparable clips)."""
        if self.jazz_model is None:
            raise InspectError("no model yet: pass these GateSnapshots to JazzModel.fit first")
        return self.jazz_model.generate(seconds, tempo, temperature, seed, chords, prime, ablate,
                                        weights=self.snapshot(epoch).weights)

    # --------------------------------------------------------------- helpers
    def _current_weights(self) -> LSTMWeights:
        assert self.jazz_model is not None
        return self.jazz_model.weights  # the copy fit made at this epoch's end

    def _trace(self, weights: LSTMWeights) -> GateTrace:
        assert self.jazz_model is not None
        return trace_values(weights, self.jazz_model.vocab, self.passage)

    def _take(self, epoch: int, weights: LSTMWeights) -> None:
        self.snapshots = [s for s in self.snapshots if s.epoch != epoch]
        self.snapshots.append(Snapshot(epoch, weights, self._trace(weights)))
        self.snapshots.sort(key=lambda s: s.epoch)
