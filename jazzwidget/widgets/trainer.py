"""`Trainer`: train a JazzModel from a widget and watch it learn; Start, Stop, Reset.

Training started here runs in a background thread, so the kernel stays idle and a Stop click
reaches Python while ``fit`` runs (see docs/platform-notes.md). Stopping keeps the weights
trained so far; Start continues from them; Reset builds fresh weights.
"""

from __future__ import annotations

import html
import math
import threading
import time
from typing import Any

import ipywidgets as widgets
import traitlets

from jazzwidget.model.jazz_model import JazzModel
from jazzwidget.model.network import keras_module
from jazzwidget.music.corpus import Corpus
from jazzwidget.widgets._errors import ErrorBox
from jazzwidget.widgets.liveplot import LivePlot

keras = keras_module()

HIDDEN_SIZES = (8, 16, 32, 64, 128, 256)
BATCH_SIZES = (8, 16, 32, 64, 128, 256, 512)
CONTROL_STYLE = {"description_width": "initial"}


class _Progress(keras.callbacks.Callback):
    """Reports epochs to the Trainer and carries out a Stop that came before ``fit`` began."""

    def __init__(self, trainer: Trainer, epochs: int) -> None:
        super().__init__()
        self.trainer = trainer
        self.epochs = epochs
        self.done = 0
        self.started = time.monotonic()
        self._first_epoch_end: float | None = None
        self._last_report = -float("inf")

    def _honour_stop(self) -> None:
        # Keras resets stop_training when fit begins; a Stop clicked just before must still count.
        if self.trainer._stop_requested.is_set():
            self.model.stop_training = True

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        self._honour_stop()

    def on_train_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        self._honour_stop()

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        self.done += 1
        now = time.monotonic()
        if self._first_epoch_end is None:
            self._first_epoch_end = now
        self.trainer._last_logs = dict(logs or {})
        if now - self._last_report >= 0.1 or self.done == self.epochs:
            self._last_report = now
            self.trainer._report(self.done, self.epochs, self.seconds_left(now))

    def seconds_left(self, now: float) -> float | None:
        """Remaining time from the epochs after the first (the first also traces the graph)."""
        if self._first_epoch_end is None or self.done < 2:
            return None
        per_epoch = (now - self._first_epoch_end) / (self.done - 1)
        return per_epoch * (self.epochs - self.done)


class Trainer(widgets.VBox):
    """Train a `JazzModel` on a `Corpus` with live loss and accuracy curves.

    Parameters
    ----------
    model : the model to train (``JazzModel(corpus.vocab)``); changing the hidden size in the
        widget, or `reset`, replaces it with a new one (see the ``model`` trait).
    corpus : the music to learn from.
    epochs, batch_size, validation : initial values of the controls.

    Attributes
    ----------
    model : JazzModel
        The model being trained (a traitlet: observe it to follow rebuilds).
    running : bool
        Whether training runs now.
    thread : threading.Thread | None
        The thread of the last training run.
    error : BaseException | None
        The error of the last run, shown in the widget; None when it went well.
    liveplot : LivePlot
        The Keras callback behind the figure.

    Examples
    --------
    >>> trainer = Trainer(JazzModel(corpus.vocab), corpus)   # doctest: +SKIP
    >>> trainer.start(); trainer.wait()                       # doctest: +SKIP
    """

    model = traitlets.Instance(JazzModel)
    running = traitlets.Bool(False)

    def __init__(self, model: JazzModel, corpus: Corpus, *, epochs: int = 100,
                 batch_size: int = 64, validation: float = 0.1) -> None:
        self.corpus = corpus
        self.thread: threading.Thread | None = None
        self.error: BaseException | None = None
        self._stop_requested = threading.Event()
        self._last_logs: dict[str, float] = {}
        self.liveplot = LivePlot(show=False)

        self.epochs = widgets.BoundedIntText(
            value=epochs, min=1, max=100_000, description="epochs",
            style=CONTROL_STYLE, layout=widgets.Layout(width="150px"))
        self.learning_rate = widgets.FloatLogSlider(
            value=model.learning_rate, base=10, min=-4, max=-0.5, step=0.1,
            description="learning rate", readout_format=".4f", style=CONTROL_STYLE,
            layout=widgets.Layout(width="330px"))
        self.n_a = widgets.Dropdown(
            options=sorted({*HIDDEN_SIZES, model.n_a}), value=model.n_a,
            description="hidden size n_a", style=CONTROL_STYLE,
            layout=widgets.Layout(width="180px"))
        self.batch_size = widgets.Dropdown(
            options=sorted({*BATCH_SIZES, batch_size}), value=batch_size,
            description="batch size", style=CONTROL_STYLE, layout=widgets.Layout(width="150px"))
        self.validation = widgets.FloatSlider(
            value=validation, min=0.0, max=0.45, step=0.05, description="validation share",
            readout_format=".0%", style=CONTROL_STYLE, layout=widgets.Layout(width="300px"))
        self.controls = [self.epochs, self.learning_rate, self.n_a, self.batch_size,
                         self.validation]

        self.start_button = widgets.Button(description="Start", icon="play",
                                           button_style="success", tooltip="Train (continues)")
        self.stop_button = widgets.Button(description="Stop", icon="stop", button_style="warning",
                                          tooltip="Stop after this batch; keeps the weights",
                                          disabled=True)
        self.reset_button = widgets.Button(description="Reset", icon="refresh",
                                           tooltip="Start over with fresh weights")
        for button in (self.start_button, self.stop_button, self.reset_button):
            button.layout.width = "110px"
        self.progress_bar = widgets.IntProgress(value=0, min=0, max=epochs,
                                                layout=widgets.Layout(width="240px"))
        self.status = widgets.HTML()
        self.status.add_class("jazzwidget-trainer-status")
        self.error_box = ErrorBox()

        self.start_button.on_click(lambda _: self.start())
        self.stop_button.on_click(lambda _: self.stop())
        self.reset_button.on_click(lambda _: self._on_reset_click())
        self.n_a.observe(self._on_n_a, names="value")

        super().__init__(
            children=[
                widgets.HBox(self.controls[:3], layout=widgets.Layout(flex_flow="row wrap")),
                widgets.HBox(self.controls[3:], layout=widgets.Layout(flex_flow="row wrap")),
                widgets.HBox([self.start_button, self.stop_button, self.reset_button,
                              self.progress_bar],
                             layout=widgets.Layout(align_items="center")),
                self.status,
                self.error_box,
                self.liveplot.figure,
            ],
            model=model,
        )
        self.add_class("jazzwidget-trainer")
        self._show_idle()

    # ---------------------------------------------------------------- public API
    def start(self, epochs: int | None = None) -> threading.Thread:
        """Train in a background thread for ``epochs`` (default: the widget's value).

        Continues from the current weights. Returns the thread (also ``self.thread``); while
        training runs, a second call returns the running thread.
        """
        if self.running and self.thread is not None:
            return self.thread
        if epochs is not None:
            self.epochs.value = epochs
        self.error = None
        self.error_box.clear()
        self._stop_requested.clear()
        self.running = True
        self._set_busy(True)
        settings = {
            "epochs": int(self.epochs.value), "batch_size": int(self.batch_size.value),
            "validation": float(self.validation.value),
            "learning_rate": float(self.learning_rate.value),
        }
        self.progress_bar.max = settings["epochs"]
        self.progress_bar.value = 0
        self.status.value = "starting…"
        self.thread = threading.Thread(target=self._train, kwargs=settings, daemon=True,
                                       name="jazzwidget-trainer")
        self.thread.start()
        return self.thread

    def stop(self) -> None:
        """Ask training to stop after the current batch; the weights so far are kept."""
        self._stop_requested.set()
        if self.running:
            self.model.keras_model.stop_training = True
            self.status.value = "stopping…"

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the training thread to end; True if it has (or none ran)."""
        if self.thread is None:
            return True
        self.thread.join(timeout)
        return not self.thread.is_alive()

    def reset(self) -> None:
        """Fresh weights (a new model of the same hidden size) and empty curves."""
        if self.running:
            self.stop()
            self.wait()
        self._rebuild(int(self.n_a.value))

    def set_corpus(self, corpus: Corpus) -> None:
        """Train on other music: a new model for its vocabulary, fresh weights, empty curves."""
        if self.running:
            self.stop()
            self.wait()
        self.corpus = corpus
        self._rebuild(int(self.n_a.value))

    # ------------------------------------------------------------------ internals
    def _train(self, **settings: Any) -> None:
        progress = _Progress(self, settings["epochs"])
        try:
            self.model.fit(self.corpus, callbacks=[self.liveplot, progress], **settings)
        except BaseException as error:  # the thread must always hand the widget back
            self.error = error
            self.error_box.show(error)
        finally:
            self.liveplot.plot.flush()
            self.running = False
            self._set_busy(False)
            self._show_idle(stopped_at=progress.done, asked=settings["epochs"])

    def _report(self, done: int, epochs: int, seconds_left: float | None) -> None:
        self.progress_bar.value = done
        parts = [f"epoch <b>{done}/{epochs}</b>", *_figures(self._last_logs)]
        if seconds_left is not None:
            parts.append(f"about {_duration(seconds_left)} left")
        self.status.value = " · ".join(parts)

    def _show_idle(self, stopped_at: int | None = None, asked: int | None = None) -> None:
        trained = self.model.epochs_trained
        parts = [f"{trained} epoch{'s' if trained != 1 else ''} trained"]
        parts += _figures({key: series[-1] for key, series in self.model.history.items()
                           if series and not math.isnan(series[-1])})
        if stopped_at is not None and asked is not None and stopped_at < asked and not self.error:
            parts.append(f"stopped after {stopped_at} of {asked}")
        self.status.value = html.escape(" · ".join(parts))

    def _set_busy(self, busy: bool) -> None:
        for control in (*self.controls, self.start_button, self.reset_button):
            control.disabled = busy
        self.stop_button.disabled = not busy

    def _rebuild(self, n_a: int) -> None:
        self.model = JazzModel(self.corpus.vocab, n_a=n_a, encoding=self.corpus.encoding,
                               learning_rate=float(self.learning_rate.value))
        self.liveplot.reset()
        self.progress_bar.value = 0
        self.error = None
        self.error_box.clear()
        self._show_idle()

    def _on_reset_click(self) -> None:
        try:
            self.reset()
        except Exception as error:  # shown inline: the widget stays usable
            self.error = error
            self.error_box.show(error)

    def _on_n_a(self, change: dict[str, Any]) -> None:
        if change["new"] == self.model.n_a:
            return
        try:
            self.reset()
        except Exception as error:  # shown inline: the widget stays usable
            self.error = error
            self.error_box.show(error)


def _figures(logs: dict[str, float]) -> list[str]:
    """``loss 0.545 (validation 6.560)``, ``accuracy 91.5% (validation 5.7%)``."""
    out = []
    for key, form in (("loss", "{:.3f}"), ("accuracy", "{:.1%}")):
        if key in logs:
            text = f"{key} {form.format(logs[key])}"
            if f"val_{key}" in logs:
                text += f" (validation {form.format(logs[f'val_{key}'])})"
            out.append(text)
    return out


def _duration(seconds: float) -> str:
    seconds = max(0, round(seconds))
    return f"{seconds // 60} min {seconds % 60:02d} s" if seconds >= 60 else f"{seconds} s"
