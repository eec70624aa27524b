"""The fonts the theme asks for, the ones this machine has, and what they cover.

Found through fontconfig (`fc-list`, `fc-match`), the same library Pango
and so WeasyPrint use; read with fontTools (a WeasyPrint dependency).
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from functools import lru_cache
from pathlib import Path

from .i18n import N_, _
from .writer import atomic_write, user_cache

# role, the faces the theme prefers (commercial, as offices have them), the free
# faces it falls back to in order, and how to get the first free face.  The role is
# a key of records (publish.py) and a message id: shown as _(role).
FANDOL_HINT = N_("make system (or sh scripts/fandol-fonts.sh): FandolFang, from the TeX Live package")
ROLES = (
    (N_("body 仿宋"), ("FangSong", "仿宋", "FangSong_GB2312", "仿宋_GB2312"), ("FandolFang", "Noto Serif CJK SC"),
     FANDOL_HINT),
    (N_("titles 宋体"), ("SimSun", "宋体"), ("Noto Serif CJK SC",), "apt-get install -y fonts-noto-cjk"),
    (N_("headings 黑体"), ("SimHei", "黑体"), ("Noto Sans CJK SC",), "apt-get install -y fonts-noto-cjk"),
    (N_("headings 楷体"), ("KaiTi", "楷体", "KaiTi_GB2312", "楷体_GB2312"), ("AR PL UKai CN",),
     "apt-get install -y fonts-arphic-ukai"),
)
# Latin text in English editions and digits fall back to these.
LATIN = ("Noto Serif", "DejaVu Serif")


@lru_cache(maxsize=1)
def families() -> frozenset[str] | None:
    """Every family name fontconfig knows (in all languages), or None without fc-list."""
    if not shutil.which("fc-list"):
        return None
    out = subprocess.run(["fc-list", "--format", "%{family}\n"], capture_output=True, text=True).stdout
    return frozenset(name.strip() for line in out.splitlines() for name in line.split(",") if name.strip())


def in_use() -> list[tuple[str, str | None, bool]]:
    """(role, face used or None, is it a substitute) for each role of the theme."""
    have = families() or frozenset()
    used = []
    for role, preferred, free, _how in ROLES:
        face = next((f for f in preferred if f in have), None)
        if face:
            used.append((role, face, False))
        else:
            used.append((role, next((f for f in free if f in have), None), True))
    return used


def missing_free_face() -> list[tuple[str, str, str]]:
    """(role, the free face the theme would rather use, how to get it) where a later fallback
    stands in: the body in Noto Serif (宋体-like) because FandolFang (仿宋) is not installed."""
    return [(_(role), free[0], _(how)) for (role, preferred, free, how), (_r, face, sub)
            in zip(ROLES, in_use()) if sub and face is not None and face != free[0]]


def substitution_note() -> str:
    """One line saying which faces stand in for the ones official documents use."""
    subs = [f"{role.split()[1]} → {face}" for role, face, sub in in_use() if sub and face]
    return _("fonts: {faces}").format(faces=", ".join(subs)) if subs else ""


_FILES: dict[str, tuple[str, int] | None] = {}


def face_file(face: str) -> tuple[str, int] | None:
    """(font file, index in a collection) fontconfig resolves a face to; None if none."""
    if face not in _FILES:
        resolve([face])
    return _FILES[face]


def resolve(faces: list[str]) -> None:
    """Ask fontconfig for the files of several faces at once: one fc-match each, run together."""
    asked = [(f, subprocess.Popen(["fc-match", "--format", "%{file}\n%{index}", f], stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL, text=True))
             for f in dict.fromkeys(faces) if f not in _FILES]
    for face, proc in asked:
        out = proc.communicate()[0].split("\n")
        found = len(out) >= 2 and out[0] and os.path.exists(out[0])
        _FILES[face] = (out[0], int(out[1] or 0)) if found else None


def fingerprint(faces: list[str]) -> str:
    """The faces' files with their sizes and times: changes when a font is installed or updated."""
    parts = []
    resolve(faces)
    for face in faces:
        found = face_file(face)
        if found:
            st = os.stat(found[0])
            parts.append(f"{face}={found[0]}#{found[1]}:{st.st_size}:{st.st_mtime_ns}")
    return "\n".join(parts)


@lru_cache(maxsize=16)
def _face_cmap(face: str) -> frozenset[int]:
    found = face_file(face)
    if found is None:
        return frozenset()
    from fontTools.ttLib import TTFont  # only when a check runs

    path, index = found
    try:
        font = TTFont(path, fontNumber=index, lazy=True) if path.endswith((".ttc", ".otc")) \
            else TTFont(path, lazy=True)
        return frozenset(font.getBestCmap() or {})
    except Exception:  # noqa: BLE001 - an unreadable font covers nothing
        return frozenset()


@lru_cache(maxsize=1)
def coverage() -> frozenset[int] | None:
    """Code points some face of the theme can draw; None if fontconfig is missing.

    Reading the cmaps of the CJK fonts takes ~0.4 s, so the result is kept in
    ~/.cache/bulletin/, under a name made from the font files and their times.
    """
    if families() is None:
        return None
    faces = [face for _role, face, _sub in in_use() if face]
    faces += [f for f in LATIN if f in families()]
    cached = _coverage_cache(faces)
    if cached is not None:
        try:
            return frozenset(json.loads(cached.read_text()))
        except (OSError, ValueError):
            pass
    points: set[int] = set()
    for face in faces:
        points |= _face_cmap(face)
    if cached is not None:
        try:
            cached.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(cached, json.dumps(sorted(points)).encode())
        except OSError:
            pass  # no cache: only slower
    return frozenset(points)


def _coverage_cache(faces: list[str]) -> Path | None:
    if any(face_file(f) is None for f in faces):
        return None
    digest = hashlib.sha256(fingerprint(faces).encode()).hexdigest()[:24]
    return user_cache(f"coverage-{digest}.json")
