"""The package stays light to import, and the CLI reports errors without tracebacks."""

import pytest

from jazzwidget.cli import main
from tests.conftest import imported_by


def test_import_does_not_load_tensorflow_or_widgets():
    assert imported_by("import jazzwidget; jazzwidget.load_corpus") == []


def test_unknown_public_name_is_an_attribute_error():
    import jazzwidget

    with pytest.raises(AttributeError):
        jazzwidget.NoSuchThing  # noqa: B018


def test_the_public_names_are_listed_once_each_for_python_and_for_type_checkers():
    # __all__ is the literal list type checkers read; each lazy name also has its import under
    # TYPE_CHECKING, from the module that resolves it at run time.
    import ast
    import inspect as pyinspect

    import jazzwidget

    tree = ast.parse(pyinspect.getsource(jazzwidget))
    errors = {alias.name for node in tree.body if isinstance(node, ast.ImportFrom)
              and node.module == "jazzwidget.errors" for alias in node.names}
    assert len(errors) == 7
    assert sorted(jazzwidget.__all__) == sorted(errors | set(jazzwidget._LAZY))
    assert len(jazzwidget.__all__) == len(set(jazzwidget.__all__))
    guarded = next(node for node in tree.body if isinstance(node, ast.If)
                   and ast.unparse(node.test) == "TYPE_CHECKING")
    typed = {alias.name: node.module for node in guarded.body
             if isinstance(node, ast.ImportFrom) for alias in node.names}
    assert typed == jazzwidget._LAZY
    assert all(getattr(jazzwidget, name) is not None for name in ("Clip", "load_corpus"))


def test_inspect_prints_the_built_in_corpus(capsys):
    assert main(["inspect"]) == 0
    out = capsys.readouterr().out
    assert "vocabulary of" in out and "melody:" in out and "chords:" in out


def test_inspect_seed_file_reports_tracks_and_choice(capsys, seed_solo):
    assert main(["inspect", str(seed_solo.path), "--melody", "Guitar", "--start-beat",
                 str(seed_solo.start_beat), "--end-beat", str(seed_solo.end_beat)]) == 0
    out = capsys.readouterr().out
    assert "'Guitar'" in out and "asked for by name" in out and "Piano" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [(["inspect", "missing.mid"], "missing.mid"),
     (["inspect", "notes.txt"], "notes.txt"),
     (["generate", "--model", "nowhere.keras"], "no model file"),
     # checked before any training starts (so TensorFlow is never imported here):
     (["generate", "--chords", "Dm7 Q7"], "'Q7'"),
     (["demo", "--out", "no/such/folder/clip.mid"], "does not exist"),
     (["train", "--out", "no/such/folder/model.keras"], "does not exist")],
)
def test_cli_errors_are_one_line_without_traceback(argv, message, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notes.txt").write_text("not music")
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("jazzwidget: error:") and message in err
    assert "Traceback" not in err and len(err.splitlines()) == 1


def test_cli_errors_are_found_before_tensorflow_loads():
    code = ("from jazzwidget.cli import main\n"
            "assert main(['generate', '--chords', 'Dm7 Q7']) == 2\n"
            "assert main(['train', '--out', 'no/such/folder/model.keras']) == 2")
    assert "tensorflow" not in imported_by(code)


@pytest.mark.parametrize("argv", [["train", "--epochs", "0"], ["demo", "--seconds", "-1"],
                                  ["generate", "--temperature", "-0.5"]])
def test_cli_rejects_bad_numbers_before_work(argv, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    assert "too small" in capsys.readouterr().err


def test_a_system_error_that_is_not_about_the_path_is_reported_as_it_is(monkeypatch, capsys):
    import errno

    from jazzwidget import cli

    def full_disk(args):
        raise OSError(errno.ENOSPC, "No space left on device", "clip.mid")

    monkeypatch.setattr(cli, "cmd_inspect", full_disk)
    assert main(["inspect"]) == 2
    err = capsys.readouterr().err
    assert "No space left on device" in err and "check the path" not in err


def test_python_warnings_survive_the_hidden_native_stderr():
    import warnings

    from jazzwidget.model.network import _native_stderr_hidden

    with pytest.warns(UserWarning, match="said while Keras loads"), _native_stderr_hidden():
        warnings.warn("said while Keras loads", UserWarning, stacklevel=1)
