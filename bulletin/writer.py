"""Writing outputs so that a reader never sees half a file.

Each file is written beside its target under a temporary name, flushed to
disk and renamed into place; a failed or killed build leaves the previous
complete file where it was.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path


def user_cache(name: str) -> Path:
    """A file in ~/.cache/bulletin/ (or $XDG_CACHE_HOME/bulletin/): what is worth keeping
    between commands and can always be made again."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "bulletin" / name


def atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write only different bytes, so that a build with nothing new touches nothing (and keeps
    every file's time).  Returns whether it wrote."""
    try:
        if path.read_bytes() == data:
            return False
    except OSError:
        pass
    atomic_write(path, data)
    return True


def copy_if_changed(source: Path, path: Path) -> bool:
    return write_if_changed(path, source.read_bytes())
