"""What the system refuses (a full disk, a read-only file system, a folder where a file goes) is a
plain error naming the file, exit 1, never "internal error"; and the previous output stays usable.

The disk is a real one: a small tmpfs mounted on output/ (CI runs as root; elsewhere the tests
that need a mount say why they cannot run)."""
import hashlib
import json
import os
import shutil
import subprocess

import pytest

from conftest import Traced, copy_sample, run

needs_mount = pytest.mark.skipif(os.geteuid() != 0, reason="mounting a small tmpfs needs root (CI runs as root)")


def digests(folder):
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def outside_search(folder):
    """`digests` less the search index, whose bytes follow the order the file system lists
    the pages in (Pagefind walks the folder): a tmpfs and another disk differ there."""
    return {k: v for k, v in digests(folder).items() if not k.startswith("pagefind/")}


def pages_indexed(folder):
    return {year.name: json.loads((year / "pagefind-entry.json").read_text(encoding="utf-8"))["languages"]
            for year in sorted((folder / "pagefind").iterdir())}


def plain_refusal(proc, words):
    assert proc.returncode == 1, proc.stderr
    assert words in proc.stderr, proc.stderr
    assert "internal error" not in proc.stderr and "Traceback" not in proc.stderr


def usable(out):
    """Every edition whole and the search index of each year whole; nothing half-written."""
    for pdf in out.glob("*.pdf"):
        data = pdf.read_bytes()
        assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF"), pdf.name
    for year in (out / "pagefind").iterdir():
        json.loads((year / "pagefind-entry.json").read_text(encoding="utf-8"))
        assert all(f.stat().st_size > 0 for f in year.rglob("*") if f.is_file()), year.name
    assert not [p.name for p in out.rglob("*") if ".tmp" in p.name or p.name.startswith(".~")]


@pytest.fixture
def mounted(tmp_path):
    """A sample workspace whose output/ is a 48 MiB tmpfs, built once."""
    root = copy_sample(tmp_path / "ws")
    out = root / "output"
    out.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=48m", "tmpfs", str(out)], capture_output=True,
                             text=True)
    if mounted.returncode != 0:  # root in a container without the right to mount
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        run("build", cwd=root, check=True)
        yield root
    finally:
        subprocess.run(["umount", "-l", str(out)], check=False)


def fill(folder, leave):
    """Fill the file system of `folder` until `leave` bytes are free."""
    stat = os.statvfs(folder)
    free = stat.f_bavail * stat.f_frsize
    with open(folder / "filler", "wb") as f:
        f.truncate(0)
        chunk = b"\0" * 2**20
        left = max(free - leave, 0)
        while left > 0:
            try:
                left -= f.write(chunk[:min(left, len(chunk))])
                f.flush()
            except OSError:
                break


@needs_mount
@pytest.mark.parametrize("leave", [0, 128 * 1024])  # at the first write; halfway through the PDF
def test_a_full_disk_is_a_plain_error_and_the_next_build_restores_everything(mounted, tmp_path, leave):
    root, out = mounted, mounted / "output"
    before = digests(out)
    issue = root / "issues" / "2018-03.md"
    issue.write_text(issue.read_text(encoding="utf-8") + "\n补充一段，以便重排。\n", encoding="utf-8")
    fill(out, leave)
    proc = run("build", cwd=root)
    plain_refusal(proc, "no space left on the disk")
    (out / "filler").unlink()
    usable(out)
    assert set(before) <= set(digests(out))  # nothing of the previous archive lost

    run("build", cwd=root, check=True)
    clean = tmp_path / "clean"
    shutil.copytree(root, clean, ignore=shutil.ignore_patterns("output", ".bulletin"))
    run("build", cwd=clean, check=True)
    assert outside_search(out) == outside_search(clean / "output")
    assert {y: {k: v["page_count"] for k, v in langs.items()} for y, langs in pages_indexed(out).items()} == \
        {y: {k: v["page_count"] for k, v in langs.items()} for y, langs in pages_indexed(clean / "output").items()}


@needs_mount
def test_a_disk_that_fills_while_the_pages_and_the_index_are_written(mounted, tmp_path):
    """Filled at the moment the first edition page has been written: the rest of the pages,
    Pagefind's index (which Pagefind itself reports as done, with empty files) and the
    archive pages meet a full disk."""
    root, out = mounted, mounted / "output"
    issue = root / "issues" / "2018-03.md"
    issue.write_text(issue.read_text(encoding="utf-8") + "\n补充一段，以便重排。\n", encoding="utf-8")
    traced = Traced(["build"], cwd=root, trace=tmp_path / "trace", stop="page")
    event = traced.next()
    while event is not None and event[1] != "page":
        event = traced.next()
    assert event is not None, "the build wrote no edition page"
    fill(out, 0)
    traced.resume(event[0])
    _out, err = traced.finish()
    assert traced.proc.returncode == 1, err
    assert "no space left on the disk" in err and "internal error" not in err
    (out / "filler").unlink()
    usable(out)
    run("build", cwd=root, check=True)
    clean = tmp_path / "clean"
    shutil.copytree(root, clean, ignore=shutil.ignore_patterns("output", ".bulletin"))
    run("build", cwd=clean, check=True)
    assert outside_search(out) == outside_search(clean / "output")
    assert pages_indexed(out).keys() == pages_indexed(clean / "output").keys()


@needs_mount
def test_a_read_only_output_is_a_plain_error(mounted):
    root, out = mounted, mounted / "output"
    before = digests(out)
    issue = root / "issues" / "2018-02.md"
    issue.write_text(issue.read_text(encoding="utf-8") + "\n补充一段。\n", encoding="utf-8")
    subprocess.run(["mount", "-o", "remount,ro", str(out)], check=True)
    proc = run("build", cwd=root)
    plain_refusal(proc, "the file system is read-only")
    assert "work on a copy of the workspace on a writable disk" in proc.stderr
    assert digests(out) == before
    chinese = run("build", cwd=root, env={"BULLETIN_LANG": "zh"})
    assert chinese.returncode == 1 and "internal error" not in chinese.stderr


def test_a_folder_where_an_edition_goes_is_a_plain_error_naming_it(tmp_path):
    root = copy_sample(tmp_path / "ws")
    (root / "output" / "2018-01.pdf").mkdir(parents=True)
    # one typesetter, given the issues as they are read: 2018-01 is the first written
    proc = run("build", "-j", "1", cwd=root)
    assert proc.returncode == 1, proc.stderr
    assert "2018-01.pdf" in proc.stderr and "internal error" not in proc.stderr
    assert "a folder stands where a file is expected" in proc.stderr
    for name in ("2018-02", "2018-03", "2019-01"):  # the other editions were built
        assert (root / "output" / f"{name}.pdf").is_file(), proc.stderr
    assert (root / "output" / "2018-01.pdf").is_dir()  # and the folder left alone
