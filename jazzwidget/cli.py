"""The `jazzwidget` command: demo, train, generate, inspect, evaluate."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from jazzwidget.errors import JazzwidgetError
from jazzwidget.music.defaults import DEFAULT_TEMPO


def _progress_callback(epochs: int) -> Any:
    """A Keras callback printing one line per epoch: loss, accuracy, validation, time left."""
    from jazzwidget.model.network import keras_module

    keras = keras_module()

    class Progress(keras.callbacks.Callback):
        def on_train_begin(self, logs: dict[str, float] | None = None) -> None:
            self.started = time.perf_counter()

        def on_epoch_end(self, epoch: int, logs: dict[str, float] | None = None) -> None:
            logs = logs or {}
            done = epoch + 1
            left = (time.perf_counter() - self.started) / done * (epochs - done)
            every = max(1, epochs // 20)
            if done % every and done != epochs:
                return
            val = (f"  val_loss {logs['val_loss']:.3f}  val_acc {logs['val_accuracy']:.3f}"
                   if "val_loss" in logs else "")
            print(f"epoch {done:4d}/{epochs}  loss {logs.get('loss', 0):.3f}  "
                  f"acc {logs.get('accuracy', 0):.3f}{val}  ETA {left:5.1f} s", flush=True)

    return Progress()


def _train(sources: Sequence[str] | None, epochs: int, melody: str | None = None,
           start_beat: float | None = None, end_beat: float | None = None) -> Any:
    from jazzwidget import load_corpus

    corpus = load_corpus(sources or None, melody=melody, start_beat=start_beat,
                         end_beat=end_beat)
    print(corpus.describe().splitlines()[0], flush=True)
    return _fit(corpus, epochs)


def _fit(corpus: Any, epochs: int) -> Any:
    """A model with the default settings, trained on ``corpus`` with one line per epoch."""
    from jazzwidget import JazzModel

    model = JazzModel(corpus.vocab)
    started = time.perf_counter()
    model.fit(corpus, epochs=epochs, callbacks=[_progress_callback(epochs)])
    history = model.history
    print(f"trained {epochs} epochs in {time.perf_counter() - started:.1f} s: loss "
          f"{history['loss'][0]:.3f} -> {history['loss'][-1]:.3f}"
          + (f", val_loss {history['val_loss'][-1]:.3f}" if "val_loss" in history else ""))
    return model


def _check_folders(*paths: str | None) -> None:
    """Fail before any training when an output file's folder does not exist."""
    for path in paths:
        if path and not Path(path).resolve().parent.is_dir():
            raise JazzwidgetError(f"the folder of {path} does not exist: create it first or "
                                  f"write somewhere else")


def _write_clip(clip: Any, out: str, wav: str | None) -> None:
    path = clip.to_midi(out)
    print(f"{clip}\nwrote {path.resolve()}")
    if wav:
        print(f"wrote {clip.to_wav(wav).resolve()}")


def cmd_demo(args: argparse.Namespace) -> None:
    _check_folders(args.out, args.wav)
    print("training on the built-in corpus (CC0, offline)")
    model = _train(None, args.epochs)
    clip = model.generate(seconds=args.seconds, tempo=args.tempo, temperature=args.temperature,
                          seed=args.seed)
    _write_clip(clip, args.out, args.wav)


def cmd_train(args: argparse.Namespace) -> None:
    _check_folders(args.out)
    model = _train(args.sources, args.epochs, args.melody, args.start_beat, args.end_beat)
    print(f"saved {model.save(args.out).resolve()}")


def cmd_generate(args: argparse.Namespace) -> None:
    from jazzwidget import JazzModel, Progression

    _check_folders(args.out, args.wav)
    if args.chords is not None:
        Progression.from_text(args.chords)  # a typo is reported before any training
    if args.model:
        model = JazzModel.load(args.model)
    else:
        print(f"no --model given: training one on the built-in corpus first ({args.epochs} "
              f"epochs)")
        model = _train(None, args.epochs)
    clip = model.generate(seconds=args.seconds, tempo=args.tempo, temperature=args.temperature,
                          seed=args.seed, chords=args.chords)
    _write_clip(clip, args.out, args.wav)


def cmd_inspect(args: argparse.Namespace) -> None:
    from jazzwidget import load_corpus

    corpus = load_corpus(args.sources or None, melody=args.melody, start_beat=args.start_beat,
                         end_beat=args.end_beat)
    print(corpus.describe())


def cmd_evaluate(args: argparse.Namespace) -> None:
    from jazzwidget import JazzModel, load_corpus
    from jazzwidget.metrics import clip_report, format_report
    from jazzwidget.model.baselines import baseline_scores

    corpus = load_corpus(args.sources or None, melody=args.melody,
                         start_beat=args.start_beat, end_beat=args.end_beat)
    print(corpus.describe().splitlines()[0], flush=True)
    if args.model:
        model = JazzModel.load(args.model)
        name = f"LSTM ({args.model})"
    else:
        print(f"no --model given: training one with the defaults ({args.epochs} epochs)")
        model = _fit(corpus, args.epochs)
        best = getattr(model, "best_epoch", None)
        name = (f"LSTM (epoch {best} of {model.epochs_trained})" if best
                else f"LSTM ({model.epochs_trained} epochs)")
    scores = baseline_scores(corpus, model.vocab)
    scores[name] = model.evaluate(corpus)
    targets = scores[name]["targets"]
    print(f"\nheld out: the last 10% of the values, {targets} targets in windows of 30 "
          f"(as fit splits them)")
    print(f"{'model':28} {'cross-entropy (nats/value)':>27} {'accuracy':>9} {'vs bigram':>10}")
    bigram = scores["bigram"]["cross_entropy"]
    for row, score in scores.items():
        print(f"{row:28} {score['cross_entropy']:27.3f} {score['accuracy']:9.1%} "
              f"{score['cross_entropy'] / bigram:9.2f}x")
    clips = [model.generate(seconds=args.seconds, temperature=args.temperature, seed=seed)
             for seed in range(args.seed, args.seed + args.clips)]
    report = clip_report(clips, corpus)
    print(f"\n{args.clips} clips of {args.seconds:g} s at temperature {args.temperature:g} vs "
          f"{report['excerpts']} corpus excerpts of {report['excerpt_beats']:g} beats "
          f"(overlapped area of Yang & Lerch's intra-/inter-set distances; 1 = alike)")
    print(format_report(report))


def _at_least(low: float, kind: type = float) -> Any:
    """An argparse type: a number of ``kind`` no smaller than ``low``."""
    def parse(text: str) -> Any:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
        if value < low:
            raise argparse.ArgumentTypeError(f"{text} is too small: use at least {low}")
        return value
    return parse


POSITIVE = _at_least(1e-3)
EPOCHS = _at_least(1, int)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="jazzwidget", description="Train, play and inspect a jazz-improvising LSTM.")
    commands = parser.add_subparsers(dest="command", required=True)

    def generation_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("--seconds", type=POSITIVE, default=15.0, help="clip length (15)")
        p.add_argument("--tempo", type=POSITIVE, default=DEFAULT_TEMPO,
                       help=f"beats per minute ({DEFAULT_TEMPO:g})")
        p.add_argument("--temperature", type=_at_least(0.0), default=1.0,
                       help="0 = always the likeliest value; 1 = sample (default)")
        p.add_argument("--seed", type=int, default=None, help="random seed")
        p.add_argument("--epochs", type=EPOCHS, default=100, help="training epochs (100)")
        p.add_argument("--out", default="clip.mid", help="MIDI file to write (clip.mid)")
        p.add_argument("--wav", default=None, help="also write this WAV file")

    demo = commands.add_parser("demo", help="train on the built-in corpus, write a clip")
    generation_options(demo)
    demo.set_defaults(run=cmd_demo)

    train = commands.add_parser("train", help="train a model and save it")
    train.add_argument("sources", nargs="*", help="music files or folders (default: built-in)")
    train.add_argument("--epochs", type=EPOCHS, default=100)
    train.add_argument("--melody", default=None, help="melody track: name, index or program:N")
    train.add_argument("--start-beat", type=float, default=None,
                       help="read from this beat (quarter note) of each file")
    train.add_argument("--end-beat", type=float, default=None, help="... up to this beat")
    train.add_argument("--out", default="model.keras", help="model file (model.keras)")
    train.set_defaults(run=cmd_train)

    generate = commands.add_parser("generate", help="generate a clip from a model")
    generate.add_argument("--model", default=None, help="a .keras file saved by train")
    generate.add_argument("--chords", default=None,
                          help='progression, e.g. "Dm7 G7 Cmaj7 Cmaj7" (a chord a bar)')
    generation_options(generate)
    generate.set_defaults(run=cmd_generate)

    inspect = commands.add_parser("inspect", help="show what a music file holds")
    inspect.add_argument("sources", nargs="*", help="music files or folders (default: built-in)")
    inspect.add_argument("--melody", default=None)
    inspect.add_argument("--start-beat", type=float, default=None)
    inspect.add_argument("--end-beat", type=float, default=None)
    inspect.set_defaults(run=cmd_inspect)

    evaluate = commands.add_parser(
        "evaluate", help="held-out cross-entropy vs unigram/bigram baselines, and the "
                         "musical statistics of generated clips vs the corpus")
    evaluate.add_argument("sources", nargs="*", help="music files or folders (default: built-in)")
    evaluate.add_argument("--model", default=None,
                          help="a .keras file saved by train (default: train one)")
    evaluate.add_argument("--epochs", type=EPOCHS, default=100,
                          help="training epochs without --model (100)")
    evaluate.add_argument("--clips", type=EPOCHS, default=20, help="clips to generate (20)")
    evaluate.add_argument("--seconds", type=POSITIVE, default=15.0, help="clip length (15)")
    evaluate.add_argument("--temperature", type=_at_least(0.0), default=1.0,
                          help="sampling temperature (1)")
    evaluate.add_argument("--seed", type=int, default=0, help="first clip's seed (0)")
    evaluate.add_argument("--melody", default=None)
    evaluate.add_argument("--start-beat", type=float, default=None)
    evaluate.add_argument("--end-beat", type=float, default=None)
    evaluate.set_defaults(run=cmd_evaluate)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        args.run(args)
    except JazzwidgetError as error:
        print(f"jazzwidget: error: {error}", file=sys.stderr)
        return 2
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError, PermissionError) as error:
        # the path that was asked for is wrong or not allowed: name it
        where = f" {error.filename}" if error.filename else ""
        print(f"jazzwidget: error: cannot use{where}: {error.strerror or error} (check the "
              f"path, that its folder exists and that you may use it)", file=sys.stderr)
        return 2
    except OSError as error:  # anything else the system refused (a full disk, ...): as it said
        print(f"jazzwidget: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("jazzwidget: interrupted", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
