"""Saving uploaded files (ipywidgets' FileUpload) into a temporary folder, safely.

An upload's name comes from the browser and may be anything: ``../../x.mid``, an absolute path,
a Windows path, NUL bytes. Only its last component is kept, cleaned, inside a fresh folder; the
sizes and the count are checked before anything is written.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from jazzwidget.errors import MusicFileError
from jazzwidget.music.io import SUPPORTED_SUFFIXES

MAX_UPLOAD_BYTES = 10 * 2**20  # per file
MAX_UPLOAD_FILES = 50
_UNSAFE = re.compile(r"[\x00-\x1f\x7f]")  # control characters, NUL included


def upload_name(name: object) -> str:
    """The file name an upload is saved under: its last path component, control characters
    removed. Raises `MusicFileError` for a name that is empty or of an unsupported type."""
    text = _UNSAFE.sub("", str(name)).replace("\\", "/")
    base = text.rsplit("/", 1)[-1].strip()
    if base in ("", ".", ".."):
        raise MusicFileError(
            f"an uploaded file has no usable name ({str(name)!r}): rename it, e.g. song.mid, "
            "and upload it again"
        )
    if Path(base).suffix.lower() not in SUPPORTED_SUFFIXES:
        raise MusicFileError(
            f"cannot read {base!r}: upload files ending in {', '.join(SUPPORTED_SUFFIXES)}"
        )
    return base


def _content(item: Mapping[str, Any]) -> bytes:
    content = item.get("content", b"")
    try:
        return bytes(content)
    except TypeError as error:
        raise MusicFileError(
            f"the upload of {str(item.get('name', '?'))!r} holds no file contents: upload it again"
        ) from error


def _declared_size(item: Mapping[str, Any]) -> int:
    """The size the browser declared (FileUpload's ``size``), 0 when missing or not a number."""
    try:
        return int(item.get("size") or 0)
    except (TypeError, ValueError):
        return 0


def save_uploads(files: Sequence[Mapping[str, Any]], folder: Path | None = None) -> list[Path]:
    """Write uploaded files into ``folder`` (default: a new temporary folder); returns the paths.

    Parameters
    ----------
    files : as ipywidgets' FileUpload gives them: mappings with ``name`` and ``content``.
    folder : where to write (it must exist); default a fresh ``jazzwidget-upload-*`` folder.

    Raises
    ------
    MusicFileError : no files, more than 50, one over 10 MB, one with no usable name or of an
        unsupported type. Nothing is written then.
    """
    if not files:
        raise MusicFileError("no files were uploaded: choose one or more music files")
    if len(files) > MAX_UPLOAD_FILES:
        raise MusicFileError(
            f"{len(files)} files were uploaded; at most {MAX_UPLOAD_FILES} at a time: upload "
            "fewer files, or put them in a folder and load it with load_corpus"
        )
    named: list[tuple[str, bytes]] = []
    taken: set[str] = set()
    for item in files:
        name = upload_name(item.get("name", ""))
        content = _content(item)
        size = max(len(content), _declared_size(item))
        if size > MAX_UPLOAD_BYTES:
            raise MusicFileError(
                f"{name!r} is {size / 2**20:.1f} MB; files over "
                f"{MAX_UPLOAD_BYTES // 2**20} MB are refused: upload a shorter piece or one "
                "movement"
            )
        stem, suffix, k = Path(name).stem, Path(name).suffix, 1
        while name.casefold() in taken:  # two uploads of one name: keep both
            k += 1
            name = f"{stem}-{k}{suffix}"
        taken.add(name.casefold())
        named.append((name, content))

    target = folder if folder is not None else Path(tempfile.mkdtemp(prefix="jazzwidget-upload-"))
    root = target.resolve()
    paths: list[Path] = []
    try:
        for name, content in named:
            path = root / name
            if path.parent != root:  # cannot happen after upload_name; never write outside
                raise MusicFileError(f"refused the upload name {name!r}: rename the file")
            path.write_bytes(content)
            paths.append(path)
    except OSError as error:
        if folder is None:
            shutil.rmtree(target, ignore_errors=True)
        raise MusicFileError(
            f"could not save the uploaded files ({error.strerror or error}): check the free "
            "disk space of the temporary folder"
        ) from error
    return paths
