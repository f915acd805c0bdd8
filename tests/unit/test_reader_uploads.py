"""Uploads are saved inside a fresh folder under a clean name, with size and count limits."""

from __future__ import annotations

import pytest

from jazzwidget.errors import MusicFileError
from jazzwidget.widgets._uploads import (
    MAX_UPLOAD_BYTES,
    MAX_UPLOAD_FILES,
    save_uploads,
    upload_name,
)


def upload(name: object, content: bytes = b"MThd", **extra) -> dict:
    return {"name": name, "type": "", "size": len(content), "content": memoryview(content),
            **extra}


@pytest.mark.parametrize(("given", "saved"), [
    ("song.mid", "song.mid"),
    ("../../x.mid", "x.mid"),
    ("/etc/cron.d/evil.mid", "evil.mid"),
    ("..\\..\\windows\\x.MID", "x.MID"),
    ("C:\\Users\\me\\solo.musicxml", "solo.musicxml"),
    ("bad\x00name.mid", "badname.mid"),
    ("nul\x00/../../x.abc", "x.abc"),
    ("tab\tand\nnewline.xml", "tabandnewline.xml"),
])
def test_an_upload_name_stays_inside_the_folder(tmp_path, given, saved):
    folder = tmp_path / "uploads"
    folder.mkdir()
    (path,) = save_uploads([upload(given)], folder)
    assert path.name == saved
    assert path.parent == folder.resolve()
    assert path.read_bytes() == b"MThd"
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == [saved]


@pytest.mark.parametrize("given", ["", "..", ".", "../", "/", "\x00", "dir/..", 12])
def test_a_name_without_a_file_name_is_refused(given):
    with pytest.raises(MusicFileError):
        upload_name(given)


def test_other_types_are_refused_before_anything_is_written(tmp_path):
    with pytest.raises(MusicFileError, match=r"cannot read 'notes\.txt': upload files ending in"):
        save_uploads([upload("good.mid"), upload("notes.txt")], tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_a_file_over_10_mb_is_refused_with_its_size(tmp_path):
    big = upload("huge.mid", b"\0" * (MAX_UPLOAD_BYTES + 1))
    with pytest.raises(MusicFileError, match=r"'huge\.mid' is 10\.0 MB; files over 10 MB are "
                                             "refused"):
        save_uploads([upload("ok.mid"), big], tmp_path)
    assert list(tmp_path.iterdir()) == []
    lying = upload("small.mid", size=MAX_UPLOAD_BYTES + 1)  # the browser's size counts too
    with pytest.raises(MusicFileError, match="10 MB"):
        save_uploads([lying], tmp_path)
    assert save_uploads([upload("exact.mid", b"\0" * MAX_UPLOAD_BYTES)], tmp_path)


def test_more_than_50_files_are_refused(tmp_path):
    files = [upload(f"take{k}.mid") for k in range(MAX_UPLOAD_FILES + 1)]
    with pytest.raises(MusicFileError, match="51 files were uploaded; at most 50"):
        save_uploads(files, tmp_path)
    assert list(tmp_path.iterdir()) == []
    assert len(save_uploads(files[:MAX_UPLOAD_FILES], tmp_path)) == MAX_UPLOAD_FILES


def test_no_files_is_refused():
    with pytest.raises(MusicFileError, match="no files were uploaded"):
        save_uploads([])


def test_two_uploads_of_one_name_are_both_kept(tmp_path):
    paths = save_uploads([upload("a/take.mid", b"1"), upload("b/take.mid", b"2"),
                          upload("TAKE.mid", b"3")], tmp_path)
    assert [p.name for p in paths] == ["take.mid", "take-2.mid", "TAKE-3.mid"]
    assert [p.read_bytes() for p in paths] == [b"1", b"2", b"3"]


def test_default_folder_is_a_fresh_temporary_one():
    first, second = save_uploads([upload("x.mid")]), save_uploads([upload("x.mid")])
    try:
        assert first[0].parent != second[0].parent
        assert first[0].parent.name.startswith("jazzwidget-upload-")
    finally:
        for path in (*first, *second):
            path.unlink()
            path.parent.rmdir()


def test_content_that_is_not_bytes_is_refused(tmp_path):
    with pytest.raises(MusicFileError, match="holds no file contents"):
        save_uploads([{"name": "x.mid", "content": 3.5}], tmp_path)

