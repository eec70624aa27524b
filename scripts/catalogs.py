"""Make and check the message catalogs with Babel.

  python scripts/catalogs.py compile   bulletin/locale/*/LC_MESSAGES/bulletin.po -> .mo
  python scripts/catalogs.py missing   the messages of bulletin/ with no Chinese translation
  python scripts/catalogs.py tidy      drop all but the last entry of a msgid entered twice (branches
                                       merged as a union append the same message each)
"""
from __future__ import annotations

import io
import sys
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "bulletin"
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}


def catalogs():
    return sorted((PACKAGE / "locale").glob("*/LC_MESSAGES/bulletin.po"))


def compiled(po: Path) -> bytes:
    with po.open("rb") as f:
        catalog = read_po(f)
    buf = io.BytesIO()
    write_mo(buf, catalog)
    return buf.getvalue()


def extracted() -> dict[str, tuple[str, int]]:
    """msgid -> (file, line) of every message marked in bulletin/."""
    found = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
            str(PACKAGE), method_map=[("**.py", "python")], keywords=KEYWORDS):
        for msgid in (message if isinstance(message, tuple) else (message,)):
            if msgid:
                found.setdefault(msgid, (filename, lineno))
    return found


def missing(po: Path) -> list[tuple[str, str, int]]:
    with po.open("rb") as f:
        catalog = read_po(f)
    out = []
    for msgid, (filename, lineno) in sorted(extracted().items()):
        entry = catalog.get(msgid)
        if entry is None or not entry.string or (isinstance(entry.string, tuple) and not all(entry.string)):
            out.append((msgid, filename, lineno))
    return out


def _msgid(entry: str) -> str | None:
    lines = [ln for ln in entry.splitlines() if not ln.startswith("#")]
    head = []
    for ln in lines:
        if ln.startswith(("msgstr", "msgid_plural")):
            break
        head.append(ln)
    return "\n".join(head) if head and head[0].startswith(("msgid", "msgctxt")) else None


def tidy(po: Path) -> int:
    """Keep the last entry of each msgid (the header, whose msgid is empty, stays first)."""
    entries = po.read_text(encoding="utf-8").split("\n\n")
    last = {}
    for i, entry in enumerate(entries):
        key = _msgid(entry)
        if key and key != 'msgid ""':
            last[key] = i
    kept = [e for i, e in enumerate(entries) if not ((key := _msgid(e)) and key != 'msgid ""' and last[key] != i)]
    po.write_text("\n\n".join(kept), encoding="utf-8")
    return len(entries) - len(kept)


def main(argv: list[str]) -> int:
    if argv[:1] == ["tidy"]:
        for po in catalogs():
            print(f"{po.relative_to(ROOT)}: {tidy(po)} duplicate(s) dropped")
        return 0
    if argv[:1] == ["compile"]:
        for po in catalogs():
            po.with_suffix(".mo").write_bytes(compiled(po))
            print(f"compiled {po.relative_to(ROOT)}")
        return 0
    if argv[:1] == ["missing"]:
        count = 0
        for po in catalogs():
            for msgid, filename, lineno in missing(po):
                print(f"bulletin/{filename}:{lineno}: {msgid!r}")
                count += 1
        return 1 if count else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
