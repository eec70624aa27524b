"""The self-check of an archive package: the four properties of DA/T 70-2018 (四性检测).

- authenticity (真实性): every file matches the digests of the package manifest and of its
  edition's metadata record; every signature in a PDF is valid and covers the whole file;
- integrity (完整性): the year's numbering has no gap or duplicate; every file the manifest
  names is there, and nothing else is;
- usability (可用性): every PDF opens and validates as the PDF/A level it declares; every XML
  file parses;
- security (安全性): no PDF is encrypted, runs JavaScript, embeds an executable or links
  outside itself.

`check` returns one line per finding, and one line per property that passed;
`bulletin archive --check DIR` prints them and exits 1 when any failed.
"""
from __future__ import annotations

import hashlib
import unicodedata
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from .errors import BulletinError, Location, display_path
from .i18n import _

NS = "{urn:bulletin:archive:1}"
AUTHENTICITY, INTEGRITY, USABILITY, SECURITY = "authenticity", "integrity", "usability", "security"
EXECUTABLE_MAGIC = (b"MZ", b"\x7fELF", b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe", b"#!")
EXECUTABLE_SUFFIXES = (".exe", ".dll", ".com", ".scr", ".bat", ".cmd", ".ps1", ".sh", ".js", ".vbs", ".jar",
                       ".msi", ".so", ".dylib", ".app", ".apk")
OUTSIDE_ACTIONS = ("/URI", "/Launch", "/GoToR", "/ImportData", "/SubmitForm")


@dataclass(frozen=True)
class Line:
    ok: bool
    check: str
    message: str


def _names() -> dict[str, str]:
    return {AUTHENTICITY: _("authenticity"), INTEGRITY: _("integrity"), USABILITY: _("usability"),
            SECURITY: _("security")}


def text(lines: list[Line]) -> str:
    """The report: one line per finding, `ok` or `FAIL`, then the verdict."""
    names = _names()
    verdicts = {True: _("ok"), False: _("FAIL")}
    wide = max(_width(v) for v in verdicts.values())  # the verdicts in one column, 通过 as 2 columns wide
    out = [_("{verdict} {check}: {message}").format(
        verdict=verdicts[line.ok] + " " * (wide - _width(verdicts[line.ok])), check=names[line.check],
        message=line.message) for line in lines]
    failed = sum(not line.ok for line in lines)
    out.append(_("{n} check(s) failed").format(n=failed) if failed else _("every check passed"))
    return "\n".join(out) + "\n"


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def check(folder: Path) -> list[Line]:
    """Check the package in `folder`; its manifest.xml says what should be there."""
    from .packaging import MANIFEST, REPORT

    lines: list[Line] = []
    if not (folder / MANIFEST).is_file():  # not a package at all: nothing to check, say what to give
        raise BulletinError(_("{folder} is not an archive package: it has no {file}").format(
            folder=display_path(folder), file=MANIFEST), Location(folder),
            _("give the folder that 'bulletin archive YEAR' wrote (archive/YEAR in the workspace, "
              "unless --out said otherwise)"))
    try:
        manifest = ET.parse(folder / MANIFEST).getroot()
    except (OSError, ET.ParseError) as exc:
        return [Line(False, INTEGRITY, _("{file}: cannot read the package manifest: {why}")
                     .format(file=MANIFEST, why=exc))]
    listed = {f.get("路径"): f for f in manifest.iter(f"{NS}文件")}
    present = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    lines += _integrity(manifest, listed, present - {MANIFEST, REPORT})
    here = sorted(rel for rel in listed if rel in present)
    lines += _authenticity(folder, listed, here)
    lines += _usability(folder, here)
    lines += _security(folder, [rel for rel in here if rel.endswith(".pdf")])
    return lines


def _integrity(manifest, listed: dict, present: set[str]) -> list[Line]:
    lines = []
    for rel in sorted(set(listed) - present):
        lines.append(Line(False, INTEGRITY, _("{file}: named in the manifest but missing").format(file=rel)))
    for rel in sorted(present - set(listed)):
        lines.append(Line(False, INTEGRITY, _("{file}: not named in the manifest").format(file=rel)))
    editions = list(manifest.iter(f"{NS}期"))
    for edition in editions:
        base = f"editions/{edition.get('名称')}/"
        kinds = {Path(rel).suffix for rel in listed if rel.startswith(base)}
        if not {".pdf", ".md", ".xml"} <= kinds:
            lines.append(Line(False, INTEGRITY, _("{name}: the package lacks its PDF, source or metadata record")
                              .format(name=edition.get("名称"))))
    lines += _numbering(editions)
    if not lines:
        lines.append(Line(True, INTEGRITY, _("{n} edition(s), numbered without gap or duplicate; {files} file(s), "
                                             "all present, nothing extra").format(n=len(editions), files=len(listed))))
    return lines


def _numbering(editions) -> list[Line]:
    """Within each kind, the year's numbers are 1, 2, 3...; the cumulative numbers, when given, follow on."""
    lines = []
    by_kind: dict[str, list] = {}
    for e in editions:
        by_kind.setdefault(e.get("种类"), []).append(e)
    for kind, items in by_kind.items():
        numbers = sorted(int(e.get("期")) for e in items)
        totals = sorted(int(e.get("总期")) for e in items if e.get("总期"))
        shown = _("regular") if kind == "regular" else kind
        for series, values in ((_("{kind} numbering"), numbers), (_("{kind} cumulative numbering"), totals)):
            if not values:
                continue
            start = 1 if values is numbers else values[0]
            if values != list(range(start, start + len(values))):
                missing = sorted(set(range(start, values[-1] + 1)) - set(values))
                twice = sorted({v for v in values if values.count(v) > 1})
                lines.append(Line(False, INTEGRITY, _("{series}: missing {missing}, twice {twice}")
                                  .format(series=series.format(kind=shown), missing=missing or "-",
                                          twice=twice or "-")))
    return lines


def _digests(data: bytes) -> dict[str, str]:
    from .packaging import digests

    return digests(data)


def _authenticity(folder: Path, listed: dict, here: list[str]) -> list[Line]:
    from .packaging import RECORD

    lines, signed = [], 0
    for rel in here:
        data = (folder / rel).read_bytes()
        actual = _digests(data)
        for algorithm, value in actual.items():
            recorded = listed[rel].get(algorithm)
            if recorded is None and algorithm == "SM3":
                continue  # made where OpenSSL had no SM3
            if recorded != value:
                lines.append(Line(False, AUTHENTICITY, _("{file}: its {algorithm} differs from the manifest")
                                  .format(file=rel, algorithm=algorithm)))
        if rel.endswith(RECORD):
            lines += _record_digests(folder, rel)
        if rel.endswith(".pdf") and b"/ByteRange" in data:
            lines += _signatures(rel, data)
            signed += 1
    if not lines:
        lines.append(Line(True, AUTHENTICITY, _("{n} file(s) match their digests; {signed} signed PDF(s) valid")
                          .format(n=len(here), signed=signed)))
    return lines


def _record_digests(folder: Path, rel: str) -> list[Line]:
    """An edition's metadata record names its files' digests: they must match too."""
    try:
        record = ET.parse(folder / rel).getroot()
    except ET.ParseError:
        return []  # reported by the usability check
    lines = []
    for entry in record.iter(f"{NS}文件"):
        path = (folder / rel).parent / entry.get("名称", "")
        if path.is_file() and entry.get("SHA256") != hashlib.sha256(path.read_bytes()).hexdigest():
            lines.append(Line(False, AUTHENTICITY, _("{file}: its SHA256 differs from its metadata record")
                              .format(file=path.relative_to(folder).as_posix())))
    return lines


def _signatures(rel: str, data: bytes) -> list[Line]:
    from .signing import signatures

    try:
        found = signatures(data)
    except Exception as exc:  # noqa: BLE001 - a damaged signature is a finding
        return [Line(False, AUTHENTICITY, _("{file}: the signature cannot be read: {why}").format(file=rel, why=exc))]
    return [Line(False, AUTHENTICITY, _("{file}: {problem} (signed by {signer})")
                 .format(file=rel, problem=s.problem, signer=s.signer)) for s in found if s.problem]


def _usability(folder: Path, here: list[str]) -> list[Line]:
    import page
    import pikepdf

    from .signing import pdfa_level

    lines, pdfs, xmls = [], 0, 0
    for rel in here:
        path = folder / rel
        if rel.endswith(".xml"):
            xmls += 1
            try:
                ET.parse(path)
            except ET.ParseError as exc:
                lines.append(Line(False, USABILITY, _("{file}: not well-formed XML: {why}").format(file=rel, why=exc)))
        elif rel.endswith(".pdf"):
            pdfs += 1
            try:
                level = pdfa_level(path.read_bytes())
            except pikepdf.PdfError as exc:
                lines.append(Line(False, USABILITY, _("{file}: does not open: {why}").format(file=rel, why=exc)))
                continue
            if not level:
                lines.append(Line(False, USABILITY, _("{file}: declares no PDF/A level").format(file=rel)))
                continue
            result = page.validate_pdf(str(path), profile=level.lower())
            if not result.is_compliant:
                first = result.failures[0]
                lines.append(Line(False, USABILITY, _("{file}: not valid PDF/A-{level}: {rule} {why}")
                                  .format(file=rel, level=level, rule=first.rule_id, why=first.message)))
    if not lines:
        lines.append(Line(True, USABILITY, _("{pdfs} PDF(s) valid as the PDF/A level they declare; {xmls} XML "
                                             "file(s) well-formed").format(pdfs=pdfs, xmls=xmls)))
    return lines


def _security(folder: Path, pdfs: list[str]) -> list[Line]:
    lines = []
    for rel in pdfs:
        lines += [Line(False, SECURITY, f"{rel}: {finding}") for finding in _risks(folder / rel)]
    if not lines:
        lines.append(Line(True, SECURITY, _("{n} PDF(s): no encryption, JavaScript, executable or outside link")
                          .format(n=len(pdfs))))
    return lines


def _risks(path: Path) -> list[str]:
    """What in one PDF an archive must not accept."""
    import pikepdf

    try:
        pdf = pikepdf.open(path)
    except pikepdf.PasswordError:
        return [_("encrypted (a password is needed to open it)")]
    except pikepdf.PdfError:
        return []  # reported by the usability check
    found = set()
    with pdf:
        if pdf.is_encrypted:
            found.add(_("encrypted"))
        if "/JavaScript" in pdf.Root.get("/Names", {}):
            found.add(_("contains JavaScript"))
        for obj in pdf.objects:
            for part in _direct_parts(obj):
                found |= _object_risks(part)
    return sorted(found)


def _direct_parts(obj):
    """An object and the dictionaries and arrays written inside it (not those it refers to:
    `pdf.objects` visits each of those on its own)."""
    import pikepdf

    yield obj
    if isinstance(obj, pikepdf.Stream):
        obj = obj.stream_dict
    if isinstance(obj, (pikepdf.Dictionary, pikepdf.Array)):
        for item in (obj.values() if isinstance(obj, pikepdf.Dictionary) else obj):
            if isinstance(item, (pikepdf.Dictionary, pikepdf.Array)) and not item.is_indirect:
                yield from _direct_parts(item)


def _object_risks(obj) -> set[str]:
    import pikepdf

    if isinstance(obj, pikepdf.Stream):
        kind = obj.stream_dict.get("/Type")
        if kind == "/EmbeddedFile" and obj.read_bytes()[:4].startswith(EXECUTABLE_MAGIC):
            return {_("embeds an executable file")}
        return set()
    if not isinstance(obj, pikepdf.Dictionary):
        return set()
    found = set()
    if "/JS" in obj or obj.get("/S") == "/JavaScript":
        found.add(_("contains JavaScript"))
    if obj.get("/S") in OUTSIDE_ACTIONS:
        found.add(_("links outside itself ({action})").format(action=str(obj.get("/S"))[1:]))
    if obj.get("/Type") == "/Filespec":
        name = str(obj.get("/UF", obj.get("/F", ""))).lower()
        if name.endswith(EXECUTABLE_SUFFIXES):
            found.add(_("embeds an executable file ({name})").format(name=name))
    return found
