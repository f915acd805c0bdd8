"""`Trainer`: train a JazzModel from a widget and watch it learn; Start, Stop, Reset.

Training started here runs in a background thread, so the kernel stays idle and a Stop click
reaches Python while ``fit`` runs (ipykernel handles a widget's messages only while no cell
is running, so a ``fit`` that blocked the cell could not be stopped). Stopping keeps the weights
trained so far; Start continues from them; Reset builds fresh weights (after asking, when
there are trained epochs to lose). The model can be saved to and loaded from a ``.keras`` file.
Epochs are counted over the model's whole history, in the status as on the plot.
"""

from __future__ import annotations

import html
import inspect
import math
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

import ipywidgets as widgets
import traitlets

from jazzwidget.errors import ModelError
from jazzwidget.model.jazz_model import JazzModel
from jazzwidget.model.network import keras_module
from jazzwidget.music.corpus import Corpus
from jazzwidget.widgets._confirm import ConfirmBar
from jazzwidget.widgets._errors import ErrorBox
from jazzwidget.widgets.liveplot import LivePlot
from jazzwidget.widgets.lossfigure import LossFigure
from jazzwidget.widgets.plotfit import PlotBox

keras = keras_module()

HIDDEN_SIZES = (8, 16, 32, 64, 128, 256)
BATCH_SIZES = (8, 16, 32, 64, 128, 256, 512)
CONTROL_STYLE = {"description_width": "initial"}
DEFAULT_MODEL_FILE = "jazzwidget-model.keras"
# Dropout and keep-best (early stopping with the best weights restored) are JazzModel options
# (issue 7); the controls are live only where this JazzModel takes them.
REGULARIZATION = ("dropout" in inspect.signature(JazzModel.__init__).parameters
                  and "early_stopping" in inspect.signature(JazzModel.fit).parameters)


def free_path(path: str | Path) -> Path:
    """``path``, or ``name-2.keras``, ``name-3.keras``... if it exists (never overwrite a file
    saved earlier when saving on the user's behalf)."""
    path = Path(path).expanduser()
    candidate, k = path, 1
    while candidate.exists():
        k += 1
        candidate = path.with_name(f"{path.stem}-{k}{path.suffix}")
    return candidate


def _chosen_int(dropdown: widgets.Dropdown) -> int:
    """The chosen option of a Dropdown of whole numbers (ipywidgets types a value Any | None;
    a Dropdown with options always has one)."""
    return int(cast("int", dropdown.value))


class _Progress(keras.callbacks.Callback):
    """Reports epochs to the Trainer and carries out a Stop that came before ``fit`` began.

    ``stop`` is the Trainer's Stop event; ``report(logs, done, epochs, seconds_left)`` shows
    an epoch's figures (``done`` and ``epochs`` over the model's whole history).
    """

    def __init__(self, stop: threading.Event,
                 report: Callable[[dict[str, float], int, int, float | None], None],
                 epochs: int, before: int = 0) -> None:
        super().__init__()
        self.stop, self.report = stop, report
        self.epochs = epochs
        self.before = before  # epochs the model had trained when this run began
        self.done = 0
        self.started = time.monotonic()
        self._first_epoch_end: float | None = None
        self._last_report = -float("inf")

    def _honour_stop(self) -> None:
        # Keras resets stop_training when fit begins; a Stop clicked just before must still count.
        if self.stop.is_set():
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
        if now - self._last_report >= 0.1 or self.done == self.epochs:
            self._last_report = now
            self.report(dict(logs or {}), self.before + self.done, self.before + self.epochs,
                        self.seconds_left(now))

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
    keep_best : initial state of the "keep the best epoch" box (early stopping on validation
        loss, the best epoch's weights restored at the end).
    plot : the `LossFigure` to draw the curves on (default: a new one). The Studio makes it in
        the kernel's main thread before it builds the Trainer in a background thread: a plotly
        figure made there while the page was still loading the Studio sometimes never got its
        layout in the page (an empty default plot).

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
        The Keras callback behind the figure (the best epoch is marked on it).
    plot_box : PlotBox
        The box that holds the figure and keeps it as wide as the Trainer (also when drawn in
        a tab not shown yet).
    confirm : ConfirmBar
        The question asked before trained epochs are thrown away (Reset, Load).

    Examples
    --------
    >>> trainer = Trainer(JazzModel(corpus.vocab), corpus)   # doctest: +SKIP
    >>> trainer.start(); trainer.wait()                       # doctest: +SKIP
    """

    model = traitlets.Instance(JazzModel)
    running = traitlets.Bool(False)

    def __init__(self, model: JazzModel, corpus: Corpus, *, epochs: int = 100,
                 batch_size: int = 64, validation: float = 0.1, keep_best: bool = True,
                 plot: LossFigure | None = None) -> None:
        self.corpus = corpus
        self.thread: threading.Thread | None = None
        self.error: BaseException | None = None
        self._stop_requested = threading.Event()
        self._last_logs: dict[str, float] = {}
        self._note = ""
        self.liveplot = LivePlot(show=False, plot=plot)
        # The figure follows the Trainer's width (also in a tab shown later).
        self.plot_box = PlotBox([self.liveplot.figure])

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
        self.dropout = widgets.FloatSlider(
            value=float(getattr(model, "dropout", 0.0)), min=0.0, max=0.6, step=0.05,
            description="dropout", readout_format=".2f", style=CONTROL_STYLE,
            layout=widgets.Layout(width="260px"), disabled=not REGULARIZATION,
            tooltip="share of the LSTM's inputs and outputs dropped while training (fights "
                    "memorization); the weights stay when it changes")
        self.keep_best = widgets.Checkbox(
            value=keep_best and REGULARIZATION, description="keep the best epoch", indent=False,
            disabled=not REGULARIZATION, layout=widgets.Layout(width="auto"),
            tooltip="stop when the validation loss no longer improves, and keep the weights of "
                    "its best epoch")
        self.batch_size = widgets.Dropdown(
            options=sorted({*BATCH_SIZES, batch_size}), value=batch_size,
            description="batch size", style=CONTROL_STYLE, layout=widgets.Layout(width="150px"))
        self.validation = widgets.FloatSlider(
            value=validation, min=0.0, max=0.45, step=0.05, description="validation share",
            readout_format=".0%", style=CONTROL_STYLE, layout=widgets.Layout(width="300px"))
        self.controls = [self.epochs, self.learning_rate, self.n_a, self.batch_size,
                         self.validation, self.dropout, self.keep_best]
        self.model_path = widgets.Text(
            value=DEFAULT_MODEL_FILE, description="model file", style=CONTROL_STYLE,
            layout=widgets.Layout(width="100%", max_width="380px"),
            placeholder="name.keras (a path on the kernel's machine)")
        self.save_button = widgets.Button(description="Save", icon="save",
                                          tooltip="Save the model (weights, vocabulary, "
                                                  "history) to this .keras file")
        self.load_button = widgets.Button(description="Load", icon="folder-open",
                                          tooltip="Load a model saved earlier from this file")

        self.start_button = widgets.Button(description="Start", icon="play",
                                           button_style="success", tooltip="Train (continues)")
        self.stop_button = widgets.Button(description="Stop", icon="stop", button_style="warning",
                                          tooltip="Stop after this batch; keeps the weights",
                                          disabled=True)
        self.reset_button = widgets.Button(description="Reset", icon="refresh",
                                           tooltip="Start over with fresh weights")
        for button in (self.start_button, self.stop_button, self.reset_button,
                       self.save_button, self.load_button):
            button.layout.width = "110px"
        self.progress_bar = widgets.IntProgress(
            value=0, min=0, max=epochs, layout=widgets.Layout(width="240px", max_width="100%"))
        self.status = widgets.HTML()
        self.status.add_class("jazzwidget-trainer-status")
        self.error_box = ErrorBox()
        self.confirm = ConfirmBar()

        self.start_button.on_click(lambda _: self._guard(self.start))
        self.stop_button.on_click(lambda _: self.stop())
        self.reset_button.on_click(lambda _: self._guard(self.ask_reset))
        self.save_button.on_click(lambda _: self._guard(self.save_model))
        self.load_button.on_click(lambda _: self._guard(self.ask_load))
        self.n_a.observe(self._on_n_a, names="value")
        self.dropout.observe(self._on_dropout, names="value")

        wrap = widgets.Layout(flex_flow="row wrap", align_items="center")
        super().__init__(
            children=[
                widgets.HBox(self.controls[:3], layout=wrap),
                widgets.HBox(self.controls[3:], layout=wrap),
                widgets.HBox([self.start_button, self.stop_button, self.reset_button,
                              self.progress_bar], layout=wrap),
                self.status,
                self.confirm,
                self.error_box,
                self.plot_box,
                widgets.HBox([self.model_path, self.save_button, self.load_button], layout=wrap),
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
        self.confirm.clear()
        settings: dict[str, Any] = {
            "epochs": int(self.epochs.value), "batch_size": _chosen_int(self.batch_size),
            "validation": float(self.validation.value),
            "learning_rate": float(self.learning_rate.value),
        }
        if REGULARIZATION and not self.keep_best.value:
            settings["early_stopping"] = None  # checked: JazzModel's default patience
        before = self.model.epochs_trained
        self.progress_bar.max = before + settings["epochs"]
        self.progress_bar.value = before
        self.status.value = f"starting: epoch {before + 1} of {before + settings['epochs']}…"
        self.thread = threading.Thread(target=self._train, kwargs=settings, daemon=True,
                                       name="jazzwidget-trainer")
        self.thread.start()
        return self.thread

    def stop(self) -> None:
        """Ask training to stop after the current batch; the weights so far are kept."""
        self._stop_requested.set()
        if self.running:
            self.model.stop()
            self.status.value = "stopping…"

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the training thread to end; True if it has (or none ran)."""
        if self.thread is None:
            return True
        self.thread.join(timeout)
        return not self.thread.is_alive()

    def reset(self) -> None:
        """Fresh weights (a new model of the same hidden size) and empty curves, at once (the
        Reset button asks first: see `ask_reset`)."""
        if self.running:
            self.stop()
            self.wait()
        self._rebuild(_chosen_int(self.n_a))

    def ask_reset(self) -> None:
        """What the Reset button does: reset at once when nothing is trained, else ask in the
        widget (Reset / Save the model, then reset / Cancel)."""
        self.ask_before_losing("Reset", self.reset)

    def set_corpus(self, corpus: Corpus) -> None:
        """Train on other music: a new model for its vocabulary, fresh weights, empty curves."""
        if self.running:
            self.stop()
            self.wait()
        self.corpus = corpus
        self._rebuild(_chosen_int(self.n_a))

    def use_corpus(self, corpus: Corpus) -> None:
        """Train the same model on other music that it can read (its values all in the
        model's vocabulary): the weights, history and curves stay."""
        missing = unknown_values(self.model, corpus)
        if missing:
            raise ModelError(f"{len(missing)} value(s) of this music are not in the model's "
                             f"vocabulary ({', '.join(missing[:3])}...): use set_corpus for a "
                             "new model")
        self.corpus = corpus
        self._show_idle()

    def save_model(self, path: str | Path | None = None) -> Path:
        """Save the model to ``path`` (default: the "model file" field) as one ``.keras`` file;
        returns the full path written."""
        target = Path(path if path is not None else self.model_path.value.strip()).expanduser()
        if not str(target) or target.name == "":
            raise ModelError("type a file name ending in .keras in the 'model file' field")
        saved = self.model.save(target).resolve()
        trained = self.model.epochs_trained
        self._note = f"saved {trained} epoch{'s' if trained != 1 else ''} to {saved}"
        self._show_idle()
        return saved

    def load_model(self, path: str | Path | None = None) -> JazzModel:
        """Replace the model with one saved earlier (default: the "model file" field), at once;
        its curves and best epoch show on the plot and training continues from it."""
        if self.running:
            self.stop()
            self.wait()
        source = Path(path if path is not None else self.model_path.value.strip()).expanduser()
        model = JazzModel.load(source)
        self._set_model(model)
        self._note = f"loaded {source.name}"
        missing = unknown_values(model, self.corpus)
        if missing:
            self._note += (f"; it does not know {len(missing)} value(s) of the music loaded: "
                           "it can improvise, but training it on this music needs a new model "
                           "(Reset)")
        self._show_idle()
        return model

    def ask_load(self) -> None:
        """What the Load button does: load at once when nothing is trained, else ask first."""
        source = self.model_path.value.strip()
        if not Path(source).expanduser().is_file():
            raise ModelError(f"there is no model file {source!r}: type the path of a .keras "
                             "file saved earlier (Save writes one)")
        self.ask_before_losing(f"Load {Path(source).name}", self.load_model)

    # ------------------------------------------------------------------ internals
    def _train(self, **settings: Any) -> None:
        progress = _Progress(self._stop_requested, self._report, settings["epochs"],
                             self.model.epochs_trained)
        try:
            self.model.fit(self.corpus, callbacks=[self.liveplot, progress], **settings)
        except BaseException as error:  # the thread must always hand the widget back
            self.error = error
            self.error_box.show(error)
        finally:
            self.liveplot.plot.flush()
            self.liveplot.plot.mark_best(getattr(self.model, "best_epoch", None))
            self._set_busy(False)
            self._show_idle(stopped_at=progress.done, asked=settings["epochs"])
            self.running = False  # last: observers (the Studio) see the final state

    def _report(self, logs: dict[str, float], done: int, epochs: int,
                seconds_left: float | None) -> None:
        """Status while training: ``done`` and ``epochs`` count the model's whole history."""
        self._last_logs = logs
        self.progress_bar.max = epochs
        self.progress_bar.value = done
        parts = [f"epoch <b>{done}/{epochs}</b>", *_figures(self._last_logs)]
        if seconds_left is not None:
            parts.append(f"about {_duration(seconds_left)} left")
        self.status.value = " · ".join(parts)

    def _show_idle(self, stopped_at: int | None = None, asked: int | None = None) -> None:
        model = self.model
        trained = model.epochs_trained
        parts = [f"{trained} epoch{'s' if trained != 1 else ''} trained"]
        best = getattr(model, "best_epoch", None)
        if best is not None and trained:
            figures = _figures({key: series[best - 1] for key, series in model.history.items()
                                if len(series) >= best and not math.isnan(series[best - 1])})
            parts.append(f"best epoch {best} kept")
        else:
            figures = _figures({key: series[-1] for key, series in model.history.items()
                                if series and not math.isnan(series[-1])})
        parts += figures
        if stopped_at is not None and asked is not None and stopped_at < asked and not self.error:
            if self._stop_requested.is_set():
                parts.append(f"stopped after {stopped_at} of {asked}")
            else:
                parts.append(f"stopped early after {stopped_at} of {asked}: the validation "
                             "loss had stopped improving")
        if self._note:
            parts.append(self._note)
            self._note = ""
        self.status.value = html.escape(" · ".join(parts))
        if not self.running:
            self.progress_bar.max = max(trained, 1)
            self.progress_bar.value = trained

    def _set_busy(self, busy: bool) -> None:
        for control in (*self.controls, self.start_button, self.reset_button, self.save_button,
                        self.load_button):
            control.disabled = busy
        if not REGULARIZATION:
            self.dropout.disabled = self.keep_best.disabled = True
        self.stop_button.disabled = not busy

    def _rebuild(self, n_a: int) -> None:
        options: dict[str, Any] = ({"dropout": float(self.dropout.value)} if REGULARIZATION
                                   else {})
        self._set_model(JazzModel(self.corpus.vocab, n_a=n_a, encoding=self.corpus.encoding,
                                  learning_rate=float(self.learning_rate.value), **options))

    def _set_model(self, model: JazzModel) -> None:
        """Show ``model`` in every control, its history on the plot, then make it the model."""
        self.confirm.clear()
        self.error = None
        self.error_box.clear()
        if model.n_a not in self.n_a.options:
            self.n_a.options = sorted({*self.n_a.options, model.n_a})
        self.model = model  # before n_a changes, so that _on_n_a sees no change to act on
        self.n_a.value = model.n_a
        self.learning_rate.value = model.learning_rate
        if REGULARIZATION:
            self.dropout.value = float(getattr(model, "dropout", 0.0))
        if model.history:
            self.liveplot.plot.load(model.history)
        else:
            self.liveplot.reset()
        self.liveplot.plot.mark_best(getattr(model, "best_epoch", None))
        self._show_idle()

    def ask_before_losing(self, what: str, action: Callable[[], object], *,
                          bar: ConfirmBar | None = None, why: str = "",
                          cancel: Callable[[], object] | None = None) -> None:
        """Run ``action`` (which replaces the model) at once when the model is untrained, else
        ask first in ``bar`` (default: the Trainer's own), offering to save the model to a new
        file, to go on, or to cancel (``cancel`` then runs).

        ``what`` names the action as its button says it ("Reset", "Replace the model"); ``why``
        is a sentence put before the question.
        """
        trained = self.model.epochs_trained
        if trained == 0:
            action()
            return
        bar = bar if bar is not None else self.confirm
        target = free_path(self.model_path.value.strip() or DEFAULT_MODEL_FILE)

        def save_then() -> None:
            saved = self.save_model(target)
            action()
            self._note = f"the model before was saved to {saved}"
            self._show_idle()

        bar.ask(
            f"{why}{' ' if why else ''}{what}: the model trained for {trained} "
            f"epoch{'s' if trained != 1 else ''} is lost unless you save it first.",
            [(f"Save to {target.name}, then {what.split()[0].lower()}", save_then, "success"),
             (what, action, "danger"),
             ("Cancel", cancel or (lambda: None), "")])

    def _guard(self, action: Callable[[], object]) -> None:
        """Run a button's action; its error is shown inline and the widget stays usable."""
        try:
            action()
        except Exception as error:  # shown inline: the widget stays usable
            self.error = error
            self.error_box.show(error)

    def _on_n_a(self, change: dict[str, Any]) -> None:
        if change["new"] == self.model.n_a:
            return
        self._guard(self.reset)

    def _on_dropout(self, change: dict[str, Any]) -> None:
        if self.running or change["new"] == getattr(self.model, "dropout", None):
            return

        def apply() -> None:
            self.model.dropout = float(change["new"])  # the weights stay
            if self.model.epochs_trained:
                self._note = f"dropout {change['new']:.2f} from the next epoch on"
            self._show_idle()

        self._guard(apply)


def unknown_values(model: JazzModel, corpus: Corpus) -> list[str]:
    """The values of ``corpus`` that ``model`` cannot read (sorted), [] when it fits: same
    encoding and every value in the model's vocabulary."""
    if corpus.encoding != model.encoding:
        return sorted(corpus.vocab)
    known = set(model.vocab)
    return [value for value in corpus.vocab if value not in known]


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
