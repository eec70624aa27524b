"""The archive package of a year (归档包), for handing the bulletin over to an archive.

`bulletin archive 2018` writes, for each published edition of the year, its
PDF/A (and the DOCX and OFD editions when published/ has them), its source,
and a metadata record (metadata.xml, in the spirit of DA/T 46: 题名, 责任者,
期号, 日期, 密级, 保管期限, 页数, 格式, each file's size and SHA-256 and SM3
digests, the tools' versions, signatures and approvals); a package manifest
(manifest.xml: every file with its digests, and the year's numbering); and
the report of the self-check (selfcheck.py), which runs at the end.

Layout of the package (DIR defaults to archive/YEAR in the workspace):

    DIR/manifest.xml
    DIR/report.txt
    DIR/editions/2018-01/2018-01.pdf, 2018-01.md, metadata.xml
"""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import shutil
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass
from pathlib import Path

from . import __version__, publish, workspace
from .errors import BulletinError, Location, Report
from .i18n import _
from .model import Edition, Publication
from .packaging import MANIFEST, RECORD, REPORT, digests
from .writer import atomic_write

EDITIONS = "editions"
NAMESPACE = "urn:bulletin:archive:1"
OTHER_FORMATS = (".docx", ".ofd")  # published beside the PDF when those formats are on
APPROVALS = "approvals.jsonl"


@dataclass
class Package:
    folder: Path
    editions: list[str]
    files: int
    zip: Path | None = None


def make(root: Path, year: int, report: Report, out: Path | None = None, make_zip: bool = False) -> Package | None:
    """Write the archive package of `year` into `out` (default archive/YEAR); None when nothing to archive."""
    from .commands.published import read_series

    series = read_series(root, report)
    manifest = publish.load_manifest(root)
    editions = sorted((e for e in series.editions if e.issue.year == year and e.name in manifest["editions"]),
                      key=lambda e: (e.issue.date, e.name))
    if not editions:
        if not report.errors:
            report.error(_("no edition of {year} has been published").format(year=year),
                         hint=_("publish them first: bulletin publish {year}-01").format(year=year))
        return None
    if not series.publication.extra.get("retention"):
        report.warning(_("bulletin.yaml has no 'retention': the records' 保管期限 is left empty"),
                       Location(root / workspace.CONFIG), _("add, for example: retention: 永久"))
    folder = (out if out is not None else root / "archive" / str(year)).resolve()
    _fresh(folder)
    files: dict[str, bytes] = {}
    for edition in editions:
        record = manifest["editions"][edition.name]
        files.update(_edition_files(root, edition, series.publication, record, folder))
    files[MANIFEST] = _manifest_xml(series.publication, year, editions, files)
    for rel, data in files.items():
        atomic_write(folder / rel, data)
    package = Package(folder, [e.name for e in editions], len(files))
    if make_zip:
        package.zip = folder.with_name(folder.name + ".zip")
    return package


def _fresh(folder: Path) -> None:
    """An empty folder for the package: an old package of ours is replaced, anything else refused."""
    if folder.exists() and any(folder.iterdir()):
        if not (folder / MANIFEST).is_file():
            raise BulletinError(_("{folder} exists and is not an archive package").format(folder=folder),
                                Location(folder), _("choose an empty or new folder with --out"))
        shutil.rmtree(folder)
    folder.mkdir(parents=True, exist_ok=True)


def _edition_files(root: Path, edition: Edition, pub: Publication, record: dict, folder: Path) -> dict[str, bytes]:
    """The files of one edition in the package (relative path -> bytes), its metadata record last."""
    pdf_rel = f"{publish.FOLDER}/{edition.pdf_name}"
    if pdf_rel not in record["outputs"]:
        raise BulletinError(_("{name} has no published PDF in the manifest").format(name=edition.name),
                            Location(publish.manifest_path(root)), _("publish it again: bulletin publish {name} --reissue")
                            .format(name=edition.name))
    sources = [root / pdf_rel, root / record["source"]]
    sources += [p for p in (root / publish.FOLDER / (edition.name + ext) for ext in OTHER_FORMATS) if p.is_file()]
    base = f"{EDITIONS}/{edition.name}"
    files = {}
    for path in sources:
        data = workspace.confined(path, root).read_bytes()
        expected = record["outputs"].get(_rel(path, root)) or (record["source_sha256"] if path == root / record["source"]
                                                              else None)
        if expected is not None and hashlib.sha256(data).hexdigest() != expected:
            raise BulletinError(_("{file} differs from the published file").format(file=_rel(path, root)),
                                Location(path), _("run 'bulletin verify' and restore it before archiving"))
        name = path.name if path.suffix != ".md" else f"{edition.name}.md"
        files[f"{base}/{name}"] = data
    files[f"{base}/{RECORD}"] = _record_xml(root, edition, pub, record, files)
    return files


def _rel(path: Path, root: Path) -> str:
    return path.resolve().relative_to(root.resolve()).as_posix()


def _format(name: str, data: bytes) -> str:
    if name.endswith(".pdf"):
        from .signing import pdfa_level
        level = pdfa_level(data)
        return f"PDF/A-{level}" if level else "PDF"
    return {".md": "text/markdown; charset=UTF-8", ".docx": "DOCX (ISO/IEC 29500)",
            ".ofd": "OFD (GB/T 33190-2016)"}.get(Path(name).suffix, "application/octet-stream")


def _record_xml(root: Path, edition: Edition, pub: Publication, record: dict, files: dict[str, bytes]) -> bytes:
    """metadata.xml of one edition (element names as DA/T 46 writes them)."""
    import pikepdf

    issue = edition.issue
    top = ET.Element("电子文件", {"xmlns": NAMESPACE, "名称": edition.name})
    pdf = next(data for rel, data in files.items() if rel.endswith(".pdf"))
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        pages = len(doc.pages)
    for tag, text in (("题名", f"{' '.join(issue.title)} {edition.period_label}"), ("责任者", issue.publisher),
                      ("期号", edition.period_label), ("日期", issue.date.isoformat()),
                      ("密级", str(issue.fields.get("classification", ""))),
                      ("保管期限", str(pub.extra.get("retention", ""))), ("页数", str(pages)),
                      ("发布日期", record["published"])):
        ET.SubElement(top, tag).text = text
    for rel, data in files.items():
        ET.SubElement(top, "文件", {"名称": Path(rel).name, "格式": _format(rel, data), "大小": str(len(data)),
                                    **digests(data)})
    if "signature" in record:
        sig = record["signature"]
        ET.SubElement(top, "签名", {"签署者": sig["signer"], "时间": sig["signed"],
                                    "证书SHA256": sig["certificate_sha256"], "类型": "PAdES"})
    tools = ET.SubElement(top, "软件")
    for name, version in sorted({**record.get("toolchain", {}), "bulletin (archive)": __version__}.items()):
        if isinstance(version, str):
            ET.SubElement(tools, "工具", {"名称": name, "版本": version})
    for approval in _approvals(root, edition.name):
        ET.SubElement(top, "审批", {k: str(v) for k, v in approval.items() if isinstance(v, (str, int, float))})
    ET.indent(top)
    return ET.tostring(top, encoding="utf-8", xml_declaration=True) + b"\n"


def _approvals(root: Path, name: str) -> list[dict]:
    """This edition's lines of published/approvals.jsonl (written by the review workflow), if any."""
    path = root / publish.FOLDER / APPROVALS
    if not path.is_file():
        return []
    found = []
    for line in workspace.read_text(path, root).splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue  # a damaged line is the review workflow's to report
        if isinstance(entry, dict) and entry.get("edition") == name:
            found.append(entry)
    return found


def _manifest_xml(pub: Publication, year: int, editions: list[Edition], files: dict[str, bytes]) -> bytes:
    top = ET.Element("归档包", {"xmlns": NAMESPACE, "年度": str(year), "题名": " ".join(pub.title),
                             "责任者": pub.publisher, "生成工具": f"bulletin {__version__}",
                             "生成时间": dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()})
    numbering = ET.SubElement(top, "期号")
    for e in editions:
        ET.SubElement(numbering, "期", {"名称": e.name, "种类": e.issue.kind, "期": str(e.issue.number),
                                       "总期": str(e.issue.total or ""), "日期": e.issue.date.isoformat(),
                                       "标签": e.period_label})
    listing = ET.SubElement(top, "文件清单")
    for rel, data in sorted(files.items()):
        ET.SubElement(listing, "文件", {"路径": rel, "大小": str(len(data)), **digests(data)})
    ET.indent(top)
    return ET.tostring(top, encoding="utf-8", xml_declaration=True) + b"\n"


def write_zip(folder: Path, target: Path) -> None:
    """The package as one .zip (the folder's name at its top), written atomically, in a stable order."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            info = zipfile.ZipInfo(f"{folder.name}/{path.relative_to(folder).as_posix()}", (1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, path.read_bytes())
    atomic_write(target, buffer.getvalue())


def archive(root: Path, year: int, report: Report, out: Path | None = None, make_zip: bool = False):
    """Make the package, check it, write its report (and the .zip): (package, check lines) or None."""
    from . import selfcheck

    package = make(root, year, report, out, make_zip)
    if package is None:
        return None
    lines = selfcheck.check(package.folder)
    atomic_write(package.folder / REPORT, selfcheck.text(lines).encode("utf-8"))
    if package.zip is not None:
        write_zip(package.folder, package.zip)
    return package, lines

