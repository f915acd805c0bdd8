"""Model files: JazzModel.load refuses what is not ours, damaged, newer or unsafe, clearly, and
never runs code from a file."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from data import badfiles

import jazzwidget
from jazzwidget.errors import ModelError
from jazzwidget.model.jazz_model import FORMAT_VERSION
from jazzwidget.model.modelfile import METADATA_NAME


@pytest.fixture(scope="module")
def small_model(builtin_corpus):
    model = jazzwidget.JazzModel(builtin_corpus.vocab, n_a=8)
    model.fit(builtin_corpus, epochs=1)
    return model


@pytest.fixture
def saved(small_model, tmp_path) -> Path:
    return small_model.save(tmp_path / "model.keras")


def rewrite(path: Path, name: str, change) -> Path:
    """Write a copy of the zip with entry ``name`` replaced by ``change(old bytes)``."""
    with zipfile.ZipFile(path) as archive:
        entries = [(info, archive.read(info)) for info in archive.infolist()]
    out = path.with_name("changed.keras")
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in entries:
            archive.writestr(info.filename, change(data) if info.filename == name else data)
    return out


def edit_json(path: Path, name: str, edit) -> Path:
    def change(data: bytes) -> bytes:
        value = json.loads(data)
        edit(value)
        return json.dumps(value).encode()

    return rewrite(path, name, change)


def refused(path: Path, pattern: str) -> str:
    with pytest.raises(ModelError, match=pattern) as caught:
        jazzwidget.JazzModel.load(path)
    message = str(caught.value)
    assert "\n" not in message and path.name in message
    return message


def test_a_saved_model_loads_back(saved, small_model):
    loaded = jazzwidget.JazzModel.load(saved)
    assert loaded.vocab == small_model.vocab and loaded.n_a == 8
    assert loaded.generate(seed=2).values == small_model.generate(seed=2).values


def test_missing_files_and_folders_are_named(tmp_path):
    refused(tmp_path / "none.keras", "no model file at")
    refused(tmp_path, "is a folder, not a model file")


@pytest.mark.parametrize(("content", "pattern"), [
    (b"", "not a complete zip archive"),
    (b"print('hello')\n", "not a complete zip archive"),
    (badfiles.GOOD_MIDI, "not a complete zip archive"),
])
def test_a_file_that_is_not_a_zip_is_not_ours(tmp_path, content, pattern):
    path = tmp_path / "model.keras"
    path.write_bytes(content)
    refused(path, f"is not a jazzwidget model file \\({pattern}")


def test_a_zip_or_a_plain_keras_model_is_not_ours(tmp_path, small_model):
    other = tmp_path / "songs.keras"
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("song.mid", badfiles.GOOD_MIDI)
    refused(other, "a zip file without a model in it")
    plain = tmp_path / "plain.keras"
    small_model.keras_model.save(plain)  # Keras' own file, without our vocabulary
    refused(plain, "a Keras model without jazzwidget's vocabulary")


@pytest.mark.parametrize("keep", [0.1, 0.5, 0.9, 0.999])
def test_a_file_cut_short_is_refused(saved, keep):
    data = saved.read_bytes()
    saved.write_bytes(data[: int(len(data) * keep)])
    refused(saved, "not a complete zip archive")


def test_flipped_bytes_in_the_weights_are_refused(saved):
    with zipfile.ZipFile(saved) as archive:
        info = archive.getinfo("model.weights.h5")
        start = info.header_offset + 30 + len(info.filename) + len(info.extra)
        size = info.compress_size
    data = bytearray(saved.read_bytes())
    for k in range(start + size // 3, start + size // 3 + 64):
        data[k] ^= 0x5A
    saved.write_bytes(bytes(data))
    refused(saved, "is damaged")


def test_a_damaged_weights_entry_with_a_good_checksum_is_refused(saved):
    refused(rewrite(saved, "model.weights.h5", lambda data: data[:100]), "is damaged: Keras could "
                                                                             "not read it")


def test_a_newer_format_is_refused_with_what_to_do(saved):
    newer = edit_json(saved, METADATA_NAME, lambda m: m.update(format=FORMAT_VERSION + 1))
    message = refused(newer, "written by a newer jazzwidget")
    assert f"file format {FORMAT_VERSION + 1}" in message and "upgrade jazzwidget" in message


@pytest.mark.parametrize(("edit", "pattern"), [
    (lambda m: m.pop("format"), "format version None"),
    (lambda m: m.update(format="1"), "format version '1'"),
    (lambda m: m.update(vocab="abc"), "vocabulary is not a list"),
    (lambda m: m.update(vocab=m["vocab"][::-1]), "not sorted"),
    (lambda m: m.update(n_a=-3), "n_a = -3"),
    (lambda m: m.update(encoding="midi"), "encoding 'midi'"),
    (lambda m: m.update(tempo=float("inf")), "tempo = inf"),
    (lambda m: m.update(history={"loss": ["x"]}), "history"),
    (lambda m: m.update(vocab=m["vocab"][:-1]), "does not fit its vocabulary"),
    (lambda m: m.update(n_a=9), "LSTM units"),
])
def test_damaged_metadata_is_refused(saved, edit, pattern):
    refused(edit_json(saved, METADATA_NAME, edit), pattern)


def test_metadata_that_is_not_json_is_refused(saved):
    refused(rewrite(saved, METADATA_NAME, lambda data: data[:-7]), "is damaged")


def test_a_foreign_module_in_the_config_is_refused_before_keras_reads_it(saved, monkeypatch):
    def point_elsewhere(config: dict) -> None:
        config["config"]["layers"][1]["config"]["kernel_initializer"] = {
            "module": "os", "class_name": "system", "config": {"command": "touch /tmp/x"}}

    import jazzwidget.model.network as network

    monkeypatch.setattr(network, "keras_module", lambda: pytest.fail("Keras was asked"))
    refused(edit_json(saved, "config.json", point_elsewhere), "from the module 'os'")


def test_a_lambda_layer_never_runs(tmp_path, builtin_corpus):
    """A model whose Lambda layer (bytecode in the file) writes a file when called: loading it
    must not call it. Loading it unsafely does, which shows the file is a real threat."""
    import keras

    from jazzwidget.model.network import save_network

    marker = tmp_path / "ran.txt"
    vocab = builtin_corpus.vocab
    inputs = keras.Input(shape=(None, len(vocab)), name="values")
    states = keras.layers.LSTM(8, return_sequences=True, name="lstm")(inputs)
    # The path is a constant of the lambda's own code (Keras stores the bytecode in the file).
    evil = eval(f"lambda x: (open({str(marker)!r}, 'w').write('ran'), x)[1]")
    states = keras.layers.Lambda(evil, name="evil")(states)
    outputs = keras.layers.Dense(len(vocab), activation="softmax")(states)
    network = keras.Model(inputs, outputs)
    path = tmp_path / "evil.keras"
    save_network(network, path, {"format": FORMAT_VERSION, "vocab": vocab, "n_a": 8,
                                 "encoding": "grammar", "learning_rate": 0.01})
    assert marker.exists()  # building the model called it once
    marker.unlink()

    message = refused(path, "is not a jazzwidget model file")
    assert "'Lambda' layer" in message and "never run" in message
    assert not marker.exists()
    # Keras' safe mode alone refuses it as well (a second line of defence).
    with pytest.raises(ValueError, match=r"(?i)lambda"):
        keras.saving.load_model(path, safe_mode=True)
    assert not marker.exists()
    keras.saving.load_model(path, safe_mode=False)
    assert marker.read_text() == "ran"  # what jazzwidget never lets happen


def test_a_loaded_model_refuses_a_corpus_with_another_vocabulary(saved, tmp_path):
    loaded = jazzwidget.JazzModel.load(saved)
    other = jazzwidget.load_corpus(badfiles.write("16 melodic tracks", tmp_path))
    assert set(other.vocab) - set(loaded.vocab)
    with pytest.raises(ModelError, match=r"not in the model's vocabulary .*JazzModel\(corpus"):
        loaded.fit(other, epochs=1)
    with pytest.raises(ModelError, match="not in this model's vocabulary"):
        loaded.trace(other.values)
    pitch = jazzwidget.load_corpus(encoding="pitch")
    with pytest.raises(ModelError, match="reads grammar values"):
        loaded.fit(pitch, epochs=1)
