"""Checks of a model file before Keras reads it: is it ours, whole, of a format we read, and
free of anything that could run code.

A ``.keras`` file is a zip of Keras' ``config.json`` (the architecture), ``model.weights.h5``
(the weights, HDF5: no pickle) and ``metadata.json``, plus our ``jazzwidget.json`` (vocabulary
and settings). Keras' safe mode already refuses a ``Lambda`` layer's bytecode; these checks go
further and accept only the layers `build_network` makes, so no custom class, function or
module named in a file is ever imported or called. Nothing here imports Keras.
"""

from __future__ import annotations

import json
import math
import zipfile
import zlib
from pathlib import Path
from typing import Any, cast

from jazzwidget.errors import ModelError
from jazzwidget.music.values import ENCODINGS

METADATA_NAME = "jazzwidget.json"  # our entry inside the .keras zip, beside Keras' own files
KERAS_ENTRIES = ("config.json", "model.weights.h5", "metadata.json")
LAYERS = frozenset({"InputLayer", "Dropout", "LSTM", "Dense"})  # what build_network makes
MAX_ENTRY_BYTES = 64 * 2**20  # a vocabulary of thousands and n_a of 1024 fit well inside
_SAVE_AGAIN = "save the model again with JazzModel.save, or train a new one"


def _not_ours(path: Path, why: str) -> ModelError:
    return ModelError(f"{path.name!r} is not a jazzwidget model file ({why}): load a .keras file "
                      "written by JazzModel.save")


def _damaged(path: Path, why: str) -> ModelError:
    return ModelError(f"the model file {path.name!r} is damaged ({why}): {_SAVE_AGAIN}")


def read_model_file(path: Path, format_version: int) -> dict[str, Any]:
    """Check a model file and return its metadata (our ``jazzwidget.json``).

    Raises
    ------
    ModelError : no such file; not a zip or not ours; cut short or damaged; written by a newer
        jazzwidget (its format is above ``format_version``); its architecture holds a layer,
        function or module that `build_network` does not make.
    """
    if path.is_dir():
        raise ModelError(f"{str(path)!r} is a folder, not a model file: give the path of a "
                         ".keras file written by JazzModel.save")
    if not path.is_file():
        raise ModelError(f"no model file at {str(path)!r}: check the path, or train a model and "
                         "save it with model.save('name.keras')")
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if METADATA_NAME not in names:
                if "config.json" in names:
                    raise _not_ours(path, "a Keras model without jazzwidget's vocabulary")
                raise _not_ours(path, "a zip file without a model in it")
            missing = [name for name in KERAS_ENTRIES if name not in names]
            if missing:
                raise _damaged(path, f"{', '.join(missing)} missing")
            for info in archive.infolist():
                if info.file_size > MAX_ENTRY_BYTES:
                    raise _damaged(path, f"{info.filename} says it is {info.file_size} bytes")
            metadata = json.loads(archive.read(METADATA_NAME))
            config = json.loads(archive.read("config.json"))
            archive.testzip()  # every entry's checksum, the weights included
    except ModelError:
        raise
    except zipfile.BadZipFile as error:
        raise _not_ours(path, f"not a complete zip archive: {error}; a .keras file cut short "
                        "reads this way too") from error
    # A damaged entry fails to inflate (zlib.error), to decode (ValueError: JSON, UTF-8) or to
    # read (OSError, EOFError); NotImplementedError for a compression zipfile lacks.
    except (zlib.error, ValueError, OSError, EOFError, NotImplementedError) as error:
        raise _damaged(path, f"{type(error).__name__}: {error}") from error
    check_metadata(path, metadata, format_version)
    check_architecture(path, config)
    return metadata


def check_metadata(path: Path, meta: Any, format_version: int) -> None:
    """Raise `ModelError` unless ``meta`` is our metadata, of a format this version reads."""
    meta = _json_object(meta)
    if meta is None:
        raise _damaged(path, "its jazzwidget.json is not an object")
    version = meta.get("format")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise _damaged(path, f"format version {version!r}")
    if version > format_version:
        raise ModelError(
            f"the model file {path.name!r} was written by a newer jazzwidget (file format "
            f"{version}; this one reads format {format_version} and older): upgrade jazzwidget "
            "(pip install --upgrade jazzwidget) to load it"
        )
    vocab = _json_strings(meta.get("vocab"))
    if vocab is None or len(vocab) < 2:
        raise _damaged(path, "its vocabulary is not a list of at least two values")
    if vocab != sorted(set(vocab)):
        raise _damaged(path, "its vocabulary is not sorted or has repeats")
    n_a = meta.get("n_a")
    if not isinstance(n_a, int) or isinstance(n_a, bool) or not 1 <= n_a <= 4096:
        raise _damaged(path, f"n_a = {n_a!r}")
    if meta.get("encoding") not in ENCODINGS:
        raise _damaged(path, f"encoding {meta.get('encoding')!r}")
    for key in ("learning_rate", "tempo"):
        value = meta.get(key, 1.0)
        if not (isinstance(value, int | float) and math.isfinite(value) and value > 0):
            raise _damaged(path, f"{key} = {value!r}")
    history = _json_object(meta.get("history", {}))
    if history is None or not all(
            (series := _json_list(value)) is not None
            and all(isinstance(x, int | float) or x is None for x in series)
            for value in history.values()):
        raise _damaged(path, "its training history is not lists of numbers")
    if _json_strings(meta.get("corpus_values", [])) is None:
        raise _damaged(path, "its corpus values are not a list of values")
    if not isinstance(meta.get("progression", ""), str):
        raise _damaged(path, "its chord progression is not text")


def check_architecture(path: Path, config: Any) -> None:
    """Raise `ModelError` unless the Keras config holds only what `build_network` makes.

    Every object named in the config must come from Keras itself (no custom or registered
    class, no function), and every layer must be one of `LAYERS`: no ``Lambda``.
    """
    config = _json_object(config)
    if config is None or config.get("class_name") != "Functional":
        raise _not_ours(path, "its network is not a Keras functional model")
    inner = _json_object(config.get("config"))
    layers = _json_list(inner.get("layers")) if inner is not None else None
    if not layers:
        raise _damaged(path, "its network lists no layers")
    for layer in layers:
        entry = _json_object(layer)
        name = entry.get("class_name") if entry is not None else None
        if name not in LAYERS:
            raise _not_ours(path, f"its network has a {name!r} layer; a jazzwidget model has "
                            f"only {', '.join(sorted(LAYERS))} layers, and code in a file is "
                            "never run")
    for found in _named_objects(config):
        module, registered = found.get("module"), found.get("registered_name")
        if module is not None and not (module == "keras" or str(module).startswith("keras.")):
            raise _not_ours(path, f"it names {found.get('class_name')!r} from the module "
                            f"{module!r}; only Keras' own classes are loaded")
        if registered is not None and registered != found.get("class_name"):
            raise _not_ours(path, f"it names the custom object {registered!r}")
        if str(found.get("class_name", "")).startswith("__") and \
                found.get("class_name") != "__keras_tensor__":
            raise _not_ours(path, f"it holds a {found.get('class_name')!r} (a function)")


def _named_objects(node: object) -> list[dict[str, object]]:
    """Every dict with a ``class_name`` inside a Keras config, depth first."""
    found: list[dict[str, object]] = []
    stack = [node]
    while stack:
        item = stack.pop()
        if (mapping := _json_object(item)) is not None:
            if "class_name" in mapping:
                found.append(mapping)
            stack.extend(mapping.values())
        elif (items := _json_list(item)) is not None:
            stack.extend(items)
    return found


# JSON as json.load returns it, typed: objects have string keys; lists hold anything.
def _json_object(value: object) -> dict[str, object] | None:
    """``value`` as a JSON object, or None when it is not one."""
    return cast("dict[str, object]", value) if isinstance(value, dict) else None


def _json_list(value: object) -> list[object] | None:
    """``value`` as a JSON list, or None when it is not one."""
    return cast("list[object]", value) if isinstance(value, list) else None


def _json_strings(value: object) -> list[str] | None:
    """``value`` as a JSON list of strings, or None when it is anything else."""
    items = _json_list(value)
    if items is None or not all(isinstance(item, str) for item in items):
        return None
    return cast("list[str]", items)
