"""The training loop: Keras' ``fit`` without its fixed cost per epoch.

One compiled step per batch (``tf.function`` over ids: each value's input row is gathered, never
multiplied out of a one-hot vector; see `_Steps`) and one compiled validation pass per epoch,
driven from a short Python loop that calls Keras callbacks exactly as ``fit`` does
(``on_train_begin``, ``on_epoch_begin``, ``on_train_batch_begin/end``, ``on_epoch_end`` with
``loss``, ``accuracy``, ``val_loss``, ``val_accuracy``, ``on_train_end``) and honours
``network.stop_training`` after every batch.
Keras' own ``fit`` spends over 100 ms per epoch outside the arithmetic on a small corpus
(iterators, a fresh evaluation loop for validation); this loop spends about a millisecond.

Keep-best (early stopping), a NaN loss, an exception in a callback and a KeyboardInterrupt are
all handled here, so that the weights the network is left with are always those of a whole,
finite epoch.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from jazzwidget.errors import TrainingError
from jazzwidget.model.network import DROPOUT_LAYERS, FEATURES_LAYER, keras_module, read_values

VALIDATION_CHUNK = 1024  # windows per compiled validation call (bounds memory on big corpora)


@dataclass
class FitResult:
    """What one run of `train` did.

    Attributes
    ----------
    history : Keras' History callback (``history.history`` holds this run's epochs).
    logs : one dict of figures per completed epoch (the same as ``history.history``).
    best_epoch : 1-based index within this run of the epoch whose weights were restored by
        keep-best; 0 when the weights from before the run stayed best; None when keep-best
        was off or there was no validation data.
    stopped_early : whether keep-best's patience ran out.
    """

    history: Any
    logs: list[dict[str, float]] = field(default_factory=list)
    best_epoch: int | None = None
    stopped_early: bool = False


class _Steps:
    """The compiled training step and validation pass of one network, built once per network
    and reused by every later run.

    They do not call the Keras model: they run the same arithmetic on its variables, written
    for one-hot inputs. Each value's input row is gathered from ``W = features @ W_lstm`` (or
    ``W_lstm`` itself for a one-hot network), so no step multiplies a one-hot vector by a
    matrix; the 30 steps of a window are unrolled (as `jazzwidget.model.step` runs them), and
    the output is logits, for a stable cross-entropy. On the built-in corpus this halves the
    time of a batch against the Keras LSTM. Dropout on the one-hot input drops a value's whole
    row, which is what the Keras model's ``input_dropout`` does to a one-hot vector, and uses
    the same layers' rates and seeds. A test holds the logits equal to the Keras model's.
    """

    def __init__(self, network: Any) -> None:
        import tensorflow as tf

        keras = keras_module()
        optimizer = network.optimizer
        if not optimizer.built:
            optimizer.build(network.trainable_variables)
        names = {layer.name for layer in network.layers}
        cell = network.get_layer("lstm").cell
        softmax = network.get_layer("next_value")
        table = network.get_layer(FEATURES_LAYER).kernel if FEATURES_LAYER in names else None
        input_dropout, output_dropout = (
            network.get_layer(name) if name in names else None for name in DROPOUT_LAYERS)
        variables = network.trainable_variables

        def logits(ids: Any, training: bool) -> Any:
            """(windows, steps) ids -> logits of the next value, (steps * windows, vocab),
            step by step (time-major: each step's rows are one contiguous block)."""
            rows = tf.gather(cell.kernel if table is None else tf.matmul(table, cell.kernel),
                             tf.transpose(ids))
            if training and input_dropout is not None and input_dropout.rate > 0:
                rows = keras.random.dropout(rows, input_dropout.rate, noise_shape=(None, None, 1),
                                            seed=input_dropout.seed_generator)
            h = c = tf.zeros([tf.shape(ids)[0], cell.units])
            states = []
            for x_w in tf.unstack(rows + cell.bias):
                i, f, g, o = tf.split(x_w + tf.matmul(h, cell.recurrent_kernel), 4, axis=-1)
                c = cell.recurrent_activation(f) * c + (cell.recurrent_activation(i)
                                                        * cell.activation(g))
                h = cell.recurrent_activation(o) * cell.activation(c)
                states.append(h)
            hidden = tf.concat(states, axis=0)
            if training and output_dropout is not None:
                hidden = output_dropout(hidden, training=True)
            return tf.matmul(hidden, softmax.kernel) + softmax.bias

        def targets(y: Any) -> Any:
            return tf.reshape(tf.transpose(y), [-1])  # in the order of `logits`' rows

        def figures(y: Any, z: Any) -> tuple[Any, Any]:
            loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(y, z))
            hits = tf.cast(tf.equal(tf.argmax(z, -1, output_type=y.dtype), y), tf.float32)
            return loss, tf.reduce_mean(hits)

        def train_step(x: Any, y: Any) -> tuple[Any, Any]:
            y = targets(y)
            with tf.GradientTape() as tape:
                loss, accuracy = figures(y, logits(x, training=True))
            optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables,
                                          strict=True))
            return loss, accuracy

        def evaluate(x: Any, y: Any) -> tuple[Any, Any]:
            return figures(targets(y), logits(x, training=False))

        self._logits, self._train_step, self._evaluate = logits, train_step, evaluate
        self._compiled: dict[tuple[str, int], Callable[[Any, Any], Any]] = {}
        self.optimizer_id = id(optimizer)  # what the steps were built for

    def _for_length(self, name: str, steps: int) -> Callable[[Any, Any], Any]:
        """One TensorFlow graph per window length (the unrolled loop needs it), any batch."""
        import tensorflow as tf

        if (name, steps) not in self._compiled:
            spec = (tf.TensorSpec([None, steps], tf.int32),) * 2
            function = self._train_step if name == "train" else self._evaluate
            self._compiled[name, steps] = tf.function(function, input_signature=spec,
                                                      autograph=False)
        return self._compiled[name, steps]

    def train_step(self, x: np.ndarray, y: np.ndarray) -> tuple[Any, Any]:
        """One gradient step on a batch of windows; returns its loss and accuracy."""
        return self._for_length("train", x.shape[1])(x, y)

    def evaluate(self, x: np.ndarray, y: np.ndarray) -> tuple[Any, Any]:
        """The loss and accuracy of a batch of windows, without dropout."""
        return self._for_length("evaluate", x.shape[1])(x, y)

    def logits(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        """The (windows, steps, vocab) logits the steps compute for windows of ids (eagerly;
        for tests)."""
        z = np.asarray(self._logits(np.asarray(x, np.int32), training))
        return z.reshape(x.shape[1], x.shape[0], -1).transpose(1, 0, 2)


def compiled_steps(network: Any) -> _Steps:
    """The network's compiled steps, cached on the network (for its optimizer)."""
    steps = getattr(network, "_jazzwidget_steps", None)
    if steps is None or steps.optimizer_id != id(network.optimizer):
        steps = _Steps(network)
        network._jazzwidget_steps = steps
    return steps


def evaluate(network: Any, x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Mean cross-entropy per value (nats) and next-value accuracy over windows (x, y)."""
    steps = compiled_steps(network)
    total_loss = total_accuracy = 0.0
    for start in range(0, len(x), VALIDATION_CHUNK):
        xs, ys = x[start:start + VALIDATION_CHUNK], y[start:start + VALIDATION_CHUNK]
        loss, accuracy = steps.evaluate(xs, ys)
        total_loss += float(loss) * len(xs)
        total_accuracy += float(accuracy) * len(xs)
    return total_loss / len(x), total_accuracy / len(x)


def _finite(logs: dict[str, float]) -> bool:
    return all(math.isfinite(v) for v in logs.values())


def _words(x: float | None) -> str:
    return "NaN (not a number)" if x is not None and math.isnan(x) else f"{x}"


State = tuple[list[Any], list[Any]]  # (weights, optimizer variables), as tensors


def _state(network: Any) -> State:
    """The weights and the optimizer's variables (Adam's moments, its step count), read now
    (`network.read_values`: a snapshot without a numpy copy)."""
    return read_values(network.weights), read_values(network.optimizer.variables)


def _assign(variables: Sequence[Any], values: list[Any]) -> None:
    for variable, value in zip(variables, values, strict=True):
        variable.assign(value)


def _restore(network: Any, state: State) -> None:
    _assign(network.weights, state[0])
    _assign(network.optimizer.variables, state[1])


def train(network: Any, x_train: np.ndarray, y_train: np.ndarray,
          x_val: np.ndarray, y_val: np.ndarray, *, epochs: int, batch_size: int,
          rng: np.random.Generator, callbacks: Sequence[Any] = (), verbose: int = 0,
          patience: int | None = None,
          on_epoch: Callable[[int, dict[str, float]], None] | None = None,
          first_epoch: int = 0) -> FitResult:
    """Train ``network`` on windows of ids (teacher forcing), shuffled by ``rng`` each epoch.

    Parameters
    ----------
    network : a compiled Keras model from `build_network` (its optimizer is used).
    x_train, y_train, x_val, y_val : int arrays (windows, steps); the validation pair may be
        empty (then no ``val_*`` figures and no keep-best).
    epochs, batch_size : as in Keras' ``fit``.
    rng : the shuffling order's generator.
    callbacks : Keras callbacks, called as Keras' ``fit`` calls them.
    verbose : 0 silent, 1 Keras' progress bar.
    patience : keep-best: stop after this many epochs without a lower validation loss and
        restore the best epoch's weights at the end; None trains every epoch and keeps the last.
    on_epoch : called with the number of epochs completed and the epoch's figures, once the
        epoch's weights are final and before the callbacks see it (`JazzModel` records the
        history and snapshots the weights here, so both survive an error in a later epoch).
    first_epoch : the epoch number Keras callbacks see first (epochs trained before).

    Raises
    ------
    TrainingError
        When the loss stops being a finite number or a callback raises; the network keeps the
        weights of the last whole epoch (the error's ``__cause__`` is the original exception).
    KeyboardInterrupt
        Re-raised after the network is given back the weights of the last whole epoch.
    """
    keras = keras_module()
    steps = compiled_steps(network)
    x_train = np.ascontiguousarray(x_train, dtype=np.int32)
    y_train = np.ascontiguousarray(y_train, dtype=np.int32)
    has_val = len(x_val) > 0
    batches = max(1, -(-len(x_train) // batch_size))
    callback_list = keras.callbacks.CallbackList(
        list(callbacks), add_history=True, add_progbar=verbose != 0, model=network,
        verbose=verbose, epochs=first_epoch + epochs, steps=batches)
    result = FitResult(history=callback_list._history)
    keep_best = patience is not None and has_val
    last_good = _state(network)
    best_loss, best_weights, since_best = math.inf, None, 0
    if keep_best and first_epoch > 0:  # the weights we start from are a candidate too
        best_loss, best_weights, result.best_epoch = (
            evaluate(network, x_val, y_val)[0], last_good[0], 0)
    network.stop_training = False
    done = 0
    try:
        callback_list.on_train_begin()
        for epoch in range(first_epoch, first_epoch + epochs):
            callback_list.on_epoch_begin(epoch)
            order = rng.permutation(len(x_train))
            loss_sum = accuracy_sum = 0.0
            seen = 0
            for batch in range(batches):
                callback_list.on_train_batch_begin(batch)
                pick = order[batch * batch_size:(batch + 1) * batch_size]
                loss, accuracy = steps.train_step(x_train[pick], y_train[pick])
                loss_sum += float(loss) * len(pick)
                accuracy_sum += float(accuracy) * len(pick)
                seen += len(pick)
                callback_list.on_train_batch_end(
                    batch, {"loss": loss_sum / seen, "accuracy": accuracy_sum / seen})
                if network.stop_training:
                    break
            logs = {"loss": loss_sum / seen, "accuracy": accuracy_sum / seen}
            if has_val:
                logs["val_loss"], logs["val_accuracy"] = evaluate(network, x_val, y_val)
            if not _finite(logs):
                raise FloatingPointError(f"the loss became {_words(logs['loss'])} "
                                         f"(validation loss {_words(logs.get('val_loss'))})")
            done += 1
            last_good = _state(network)
            result.logs.append(logs)
            if on_epoch is not None:
                on_epoch(done, logs)
            if keep_best:
                if logs["val_loss"] < best_loss:
                    best_loss, best_weights = logs["val_loss"], last_good[0]
                    result.best_epoch = done
                    since_best = 0
                else:
                    since_best += 1
            callback_list.on_epoch_end(epoch, dict(logs))
            if patience is not None and keep_best and since_best >= patience:
                result.stopped_early = True
                break
            if network.stop_training:
                break
        callback_list.on_train_end(dict(result.logs[-1]) if result.logs else None)
    except KeyboardInterrupt:
        _restore(network, last_good)
        raise
    except FloatingPointError as error:
        _restore(network, last_good)
        raise TrainingError(
            f"training stopped in epoch {first_epoch + done + 1}: {error}. The weights of "
            f"epoch {first_epoch + done} are kept; try a smaller learning rate") from error
    # Anything else raised inside an epoch (a bug in a user's callback, a Keras error) stops
    # training the same way: the last whole epoch's weights are put back and the cause chained.
    except Exception as error:
        _restore(network, last_good)
        raise TrainingError(
            f"training stopped in epoch {first_epoch + done + 1}: {type(error).__name__}: "
            f"{error}. The weights of epoch {first_epoch + done} are kept") from error
    finally:
        network.stop_training = False
        result.history.history = {key: [logs[key] for logs in result.logs]
                                  for key in (result.logs[0] if result.logs else {})}
    if keep_best and best_weights is not None:
        _assign(network.weights, best_weights)
    return result
