"""The build plan: what a change marks for typesetting, and parallel = serial."""
import hashlib
import re
import shutil

import pytest

from conftest import REPO, copy_sample, run

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cf000002030100a5f6c5a60000000049454e44ae426082")


def rendered(proc):
    return sorted(re.findall(r"wrote output/([\w-]+)\.pdf", proc.stdout))


def snapshot(out):
    return {p.relative_to(out).as_posix(): (p.stat().st_mtime_ns, hashlib.sha256(p.read_bytes()).hexdigest())
            for p in out.rglob("*") if p.is_file() and not any(s.startswith(".") for s in p.relative_to(out).parts)}


@pytest.fixture
def ws(tmp_path):
    root = copy_sample(tmp_path / "ws")
    (root / "issues" / "photo.png").write_bytes(PNG)
    issue = root / "issues" / "2018-03.md"
    issue.write_text(issue.read_text(encoding="utf-8") + "\n![现场照片](photo.png)\n", encoding="utf-8")
    assert rendered(run("build", cwd=root, check=True)) == ["2018-01", "2018-02", "2018-03", "2019-01"]
    return root


def test_nothing_changed_renders_and_writes_nothing(ws):
    before = snapshot(ws / "output")
    proc = run("build", cwd=ws, check=True)
    assert rendered(proc) == [] and "nothing changed: 4 edition(s) up to date" in proc.stderr
    assert snapshot(ws / "output") == before  # not one file rewritten


def test_a_changed_source_renders_that_edition(ws):
    source = ws / "issues" / "2018-01.md"
    source.write_text(source.read_text(encoding="utf-8").replace("动员会", "推进会"), encoding="utf-8")
    proc = run("build", cwd=ws, check=True)
    assert rendered(proc) == ["2018-01"] and "3 up to date" in proc.stderr
    assert "推进会" in (ws / "output" / "index.html").read_text(encoding="utf-8")  # the archive follows


def test_a_changed_image_renders_the_edition_that_uses_it(ws):
    from PIL import Image
    Image.new("RGB", (40, 30), (200, 0, 0)).save(ws / "issues" / "photo.png")
    assert rendered(run("build", cwd=ws, check=True)) == ["2018-03"]


def test_a_changed_template_or_setting_renders_everything(ws):
    (ws / "templates").mkdir()
    (ws / "templates" / "extra.css").write_text(".title { letter-spacing: 0.1em; }")
    assert rendered(run("build", cwd=ws, check=True)) == ["2018-01", "2018-02", "2018-03", "2019-01"]
    config = ws / "bulletin.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("footer", "footer") + "footer: gb\n", encoding="utf-8")
    assert rendered(run("build", cwd=ws, check=True)) == ["2018-01", "2018-02", "2018-03", "2019-01"]
    assert rendered(run("build", cwd=ws, check=True)) == []


def test_a_changed_archive_template_makes_the_archive_again_not_the_editions(ws):
    out = ws / "output"
    editions = {k: v for k, v in snapshot(out).items() if re.fullmatch(r"\d{4}-\d\d\.(pdf|html)", k)}
    (ws / "templates").mkdir()
    (ws / "templates" / "archive.css").write_text(".card { background: #fffdf0; }")
    proc = run("build", cwd=ws, check=True)
    assert rendered(proc) == [] and "#fffdf0" in (out / "index.html").read_text(encoding="utf-8")
    assert {k: v for k, v in snapshot(out).items() if re.fullmatch(r"\d{4}-\d\d\.(pdf|html)", k)} == editions
    assert rendered(run("build", cwd=ws, check=True)) == []


def test_a_deleted_pdf_is_made_again(ws):
    (ws / "output" / "2018-02.pdf").unlink()
    assert rendered(run("build", cwd=ws, check=True)) == ["2018-02"]


def test_a_new_issue_is_typeset_and_its_neighbour_relinked(ws):
    before = snapshot(ws / "output")
    (ws / "issues" / "2019-02.md").write_text("---\nissue: 2\ntotal: 45\ndate: 2019-03-01\n---\n\n## 新的一期\n\n正文。\n",
                                              encoding="utf-8")
    proc = run("build", cwd=ws, check=True)
    assert rendered(proc) == ["2019-02"]
    after = snapshot(ws / "output")
    assert after["2019-01.pdf"] == before["2019-01.pdf"]        # not typeset again
    assert after["2019-01.html"] != before["2019-01.html"]      # but its page links to the new issue
    assert 'rel="next" href="2019-02.html"' in (ws / "output" / "2019-01.html").read_text(encoding="utf-8")
    assert after["2018-01.html"] == before["2018-01.html"]


def test_force_renders_everything_and_keeps_identical_files(ws):
    before = snapshot(ws / "output")
    proc = run("build", "--force", cwd=ws, check=True)
    assert rendered(proc) == ["2018-01", "2018-02", "2018-03", "2019-01"]
    assert snapshot(ws / "output") == before  # the same bytes are not rewritten


def test_parallel_output_is_byte_identical_to_serial(tmp_path, ws):
    other = tmp_path / "other"
    shutil.copytree(ws, other, ignore=shutil.ignore_patterns("output"))
    run("build", "--jobs", "1", "--force", cwd=ws, check=True)
    run("build", "--jobs", "2", cwd=other, check=True)
    serial = {k: v[1] for k, v in snapshot(ws / "output").items()}
    parallel = {k: v[1] for k, v in snapshot(other / "output").items()}
    assert serial == parallel and len([k for k in serial if k.endswith(".pdf")]) == 4


def test_an_issue_with_errors_is_checked_again_when_its_image_appears(ws):
    source = ws / "issues" / "2018-01.md"
    source.write_text(source.read_text(encoding="utf-8") + "\n![图](later.png)\n", encoding="utf-8")
    proc = run("build", cwd=ws)
    assert proc.returncode == 1 and "image 'later.png' does not exist" in proc.stderr
    (ws / "issues" / "later.png").write_bytes(PNG)  # the issue file itself is unchanged
    assert rendered(run("build", cwd=ws, check=True)) == ["2018-01"]


def test_library_lookup_agrees_with_ctypes():
    """render/speedups.py answers from one read of the linker cache what ctypes.util answers
    by running ldconfig, gcc and ld: it must give the same names, misses included."""
    import ctypes.util

    from bulletin.render import speedups

    cache = speedups._ldconfig_cache()
    assert cache, "ldconfig -p printed nothing"
    original = ctypes.util.find_library
    if getattr(original, "bulletin", False):  # installed by a build in this process
        original = original.original
    fast = speedups.cached_find_library(cache, original)
    names = ["pango-1.0", "gobject-2.0", "harfbuzz", "harfbuzz-subset", "fontconfig", "pangoft2-1.0",
             "libgobject-2.0-0", "gobject-2.0-0", "c", "m", "no-such-library-anywhere"]
    assert [fast(n) for n in names] == [original(n) for n in names]
    assert fast("pango-1.0") == "libpango-1.0.so.0"


def search_pages(out) -> dict[str, int]:
    """The pages each year's search index holds."""
    import json
    counts = {}
    for entry in sorted((out / "pagefind").glob("*/pagefind-entry.json")):
        languages = json.loads(entry.read_text(encoding="utf-8"))["languages"].values()
        counts[entry.parent.name] = sum(lang["page_count"] for lang in languages)
    return counts


def search_files(out, year=""):
    return {k: v for k, v in snapshot(out).items() if k.startswith(f"pagefind/{year}")}


def test_the_search_index_is_made_again_only_for_the_year_whose_pages_changed(ws):
    out = ws / "output"
    assert search_pages(out) == {"2018": 3, "2019": 1}
    index = search_files(out)
    years = {year: search_files(out, f"{year}/") for year in ("2018", "2019")}
    run("build", "--force", cwd=ws, check=True)  # PDFs typeset again, pages the same
    assert search_files(out) == index
    source = ws / "issues" / "2018-01.md"
    source.write_text(source.read_text(encoding="utf-8").replace("动员会", "推进会"), encoding="utf-8")
    run("build", cwd=ws, check=True)
    assert search_files(out, "2018/") != years["2018"]
    assert search_files(out, "2019/") == years["2019"]
    assert search_pages(out) == {"2018": 3, "2019": 1}
    assert not list((out / "pagefind" / "2018").glob("pagefind-ui*"))  # Pagefind's own interface is not used


def test_a_year_that_is_gone_and_an_index_over_all_years_are_removed(ws):
    """An index over all years at pagefind/ (made before there was one a year) and the
    index of a year with no edition left go."""
    out = ws / "output"
    (out / "pagefind" / "pagefind.js").write_text("// an index over all years")
    (out / "pagefind" / "fragment").mkdir()
    (out / "pagefind" / "fragment" / "zh-cn_0.pf_fragment").write_bytes(b"old")
    (ws / "issues" / "2019-01.md").unlink()
    proc = run("build", cwd=ws, check=True)
    assert rendered(proc) == [] and sorted(p.name for p in (out / "pagefind").iterdir()) == ["2018"]
    assert search_pages(out) == {"2018": 3}  # (made again: 2018-03 no longer links to a next issue)
    assert 'data-years="2018"' in (out / "index.html").read_text(encoding="utf-8")  # what the search loads


def test_an_edition_that_fails_typesetting_leaves_the_archive_and_the_search_index(ws, tmp_path):
    """Pages and search are made while the PDFs are typeset, before it is known that one fails:
    they are made again without it."""
    (tmp_path / "secret.txt").write_text("secret")
    (ws / "issues" / "evil.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" '
        f'height="10"><image xlink:href="file://{tmp_path}/secret.txt" width="10" height="10"/></svg>')
    shutil.rmtree(ws / "output")
    source = ws / "issues" / "2018-02.md"
    source.write_text(source.read_text(encoding="utf-8") + "\n![图](evil.svg)\n", encoding="utf-8")
    proc = run("build", cwd=ws)
    assert proc.returncode == 1 and "may not be used" in proc.stderr
    assert rendered(proc) == ["2018-01", "2018-03", "2019-01"]
    out = ws / "output"
    assert search_pages(out) == {"2018": 2, "2019": 1}
    assert "2018-02" not in (out / "index.html").read_text(encoding="utf-8")
    assert 'rel="next" href="2018-03.html"' in (out / "2018-01.html").read_text(encoding="utf-8")


def test_a_failing_pagefind_is_reported_and_leaves_the_index_in_place(ws, tmp_path):
    """The editions are still built; the old index stays whole; the next build makes it again."""
    broken = tmp_path / "pagefind"
    broken.write_text("#!/bin/sh\necho 'Error: out of disk space' >&2\nexit 3\n")
    broken.chmod(0o755)
    out = ws / "output"
    index = search_files(out)
    source = ws / "issues" / "2018-01.md"
    source.write_text(source.read_text(encoding="utf-8").replace("动员会", "推进会"), encoding="utf-8")
    proc = run("build", cwd=ws, env={"PAGEFIND_BINARY_PATH": str(broken)})
    assert proc.returncode == 1, proc.stderr
    assert "the search index could not be built: Error: out of disk space" in proc.stderr
    assert rendered(proc) == ["2018-01"] and "推进会" in (out / "2018-01.html").read_text(encoding="utf-8")
    assert search_files(out) == index
    assert not list(out.glob(".pagefind*"))
    proc = run("build", cwd=ws, check=True)
    assert search_files(out) != index
    assert search_pages(out) == {"2018": 3, "2019": 1}


def test_installed_versions_are_those_importlib_metadata_reads(tmp_path, monkeypatch):
    """plan.installed_version reads the dist-info folder's name (importlib.metadata scans
    sys.path, 30 ms a build); it must agree with it, and say "?" for what is not there."""
    import importlib.metadata

    from bulletin import plan

    for package in ("weasyprint", "pagefind_bin_extended", "jinja2"):
        assert plan.installed_version(package) == importlib.metadata.version(package)
    assert plan.installed_version("no_such_package_here") == "?"
    # two dist-info folders of one package (a botched upgrade): the slow way decides
    site = tmp_path / "site"
    (site / "fakepkg").mkdir(parents=True)
    (site / "fakepkg" / "__init__.py").write_text("")
    for v in ("1.0", "2.0"):
        (site / f"fakepkg-{v}.dist-info").mkdir()
        (site / f"fakepkg-{v}.dist-info" / "METADATA").write_text(f"Metadata-Version: 2.1\nName: fakepkg\nVersion: {v}\n")
    monkeypatch.syspath_prepend(str(site))
    assert plan.installed_version("fakepkg") in ("1.0", "2.0")
    shutil.rmtree(site / "fakepkg-1.0.dist-info")
    plan.installed_version.cache_clear()
    assert plan.installed_version("fakepkg") == "2.0"
