"""Reproducible, atomic and archival outputs."""
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import time

import page
import pikepdf

import longissue
from conftest import BULLETIN, REPO, Traced, alive, copy_sample, processes_with, run


def digests(folder):
    """Every output file by its path; hidden files and folders (locks, plans, staging) are not outputs."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*"))
            if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts)}


def test_two_builds_are_byte_identical(sample, tmp_path):
    root, _ = sample
    again = tmp_path / "again"
    shutil.copytree(root, again, ignore=shutil.ignore_patterns("output"))
    run("build", cwd=again, check=True)
    first, second = digests(root / "output"), digests(again / "output")
    assert first == second and len([n for n in first if n.endswith(".pdf")]) == 4


def test_publish_writes_a_valid_pdfa_with_the_source_attached(tmp_path):
    root = copy_sample(tmp_path / "ws")
    proc = run("publish", "2018-02", cwd=root, check=True)
    assert "wrote published/2018-02.pdf" in proc.stdout
    pdf = root / "published" / "2018-02.pdf"
    result = page.validate_pdf(str(pdf), profile="3a")
    assert result.is_compliant, [(f.rule_id, f.message) for f in result.failures]
    subprocess.run(["qpdf", "--check", str(pdf)], check=True, capture_output=True)
    with pikepdf.open(pdf) as doc:
        assert doc.open_metadata().pdfa_status == "3A"
        attached = doc.attachments["2018-02.md"].get_file().read_bytes()
        assert attached == (root / "issues" / "2018-02.md").read_bytes()
        assert str(doc.Root.Lang) == "zh-CN"
        info = doc.docinfo
        assert str(info.Title).endswith("2018年第2期（总第42期）") and str(info.CreationDate).startswith("D:20180305")
    # the same edition published in another folder is the same bytes
    other = tmp_path / "other"
    shutil.copytree(root, other, ignore=shutil.ignore_patterns("published", "output"))
    run("publish", "2018-02", cwd=other, check=True)
    assert (other / "published" / "2018-02.pdf").read_bytes() == pdf.read_bytes()


def test_published_issue_is_guarded_and_verified(tmp_path):
    root = copy_sample(tmp_path / "ws")
    run("publish", "2018-01", cwd=root, check=True)
    assert "every file matches" in run("verify", cwd=root, check=True).stderr
    again = run("publish", "2018-01", cwd=root)
    assert again.returncode == 1 and "2018-01 was published on" in again.stderr

    source = root / "issues" / "2018-01.md"
    source.write_text(source.read_text(encoding="utf-8").replace("动员会", "推进会"), encoding="utf-8")
    for command in ("check", "build"):
        proc = run(command, cwd=root)
        assert proc.returncode == 1
        assert "issues/2018-01.md: error: 2018-01 was published on" in proc.stderr
        assert "bulletin publish 2018-01 --reissue" in proc.stderr
    assert not (root / "output" / "2018-01.pdf").exists()  # the changed issue is not rebuilt
    proc = run("verify", cwd=root)
    assert proc.returncode == 1 and "issues/2018-01.md differs from the published file" in proc.stderr

    run("publish", "2018-01", "--reissue", cwd=root, check=True)
    assert run("verify", cwd=root).returncode == 0
    (root / "published" / "2018-01.pdf").write_bytes(b"%PDF-1.7 damaged")
    proc = run("verify", cwd=root)
    assert proc.returncode == 1 and "published/2018-01.pdf differs" in proc.stderr


def test_a_reissue_with_nothing_changed_is_refused_and_writes_nothing(tmp_path):
    root = copy_sample(tmp_path / "ws")
    run("publish", "2018-01", cwd=root, check=True)
    before = {p: p.read_bytes() for p in (root / "published").rglob("*") if p.is_file()}
    proc = run("publish", "2018-01", "--reissue", cwd=root)
    assert proc.returncode == 1
    assert "2018-01 is the same as when it was published on" in proc.stderr
    assert "nothing was written" in proc.stderr
    assert {p: p.read_bytes() for p in (root / "published").rglob("*") if p.is_file()} == before
    # a change that reaches the page is issued again, and the first issue stays in the history
    source = root / "issues" / "2018-01.md"
    source.write_text(source.read_text(encoding="utf-8").replace("动员会", "推进会"), encoding="utf-8")
    run("publish", "2018-01", "--reissue", cwd=root, check=True)
    manifest = json.loads((root / "published" / "manifest.json").read_text(encoding="utf-8"))
    assert len(manifest["editions"]["2018-01"]["history"]) == 1


def _build_events(trace, root, tmp_path):
    """The steps of the build process itself in one traced, unstopped build."""
    traced = Traced(["build"], root, tmp_path / "count.trace", stop="")
    traced.finish()
    return [e for e in traced.events() if e[0] == traced.proc.pid]


def test_a_build_killed_at_any_moment_leaves_old_or_new_files(tmp_path):
    """SIGKILL at every step of a build (each process stopped there, so the kill lands
    mid-build on any machine): each output is the previous complete file or the new one."""
    root = tmp_path / "ws"
    longissue.write(root)
    run("build", cwd=root, check=True)
    old_ws = tmp_path / "old"
    shutil.copytree(root, old_ws)
    old = digests(root / "output")

    css = ".title { letter-spacing: 0.2em; }"
    reference = tmp_path / "reference"
    shutil.copytree(root, reference, ignore=shutil.ignore_patterns("output", ".bulletin"))
    (reference / "templates").mkdir()
    (reference / "templates" / "extra.css").write_text(css)
    run("build", cwd=reference, check=True)
    new = digests(reference / "output")
    assert set(old) == set(new) and all(old[k] != new[k] for k in old if k.endswith(".pdf"))

    def fresh():
        shutil.rmtree(root)
        shutil.copytree(old_ws, root)
        (root / "templates").mkdir()
        (root / "templates" / "extra.css").write_text(css)

    fresh()
    steps = _build_events(None, root, tmp_path)
    names = [e[1] for e in steps]
    assert {"locked", "read", "wrote", "page", "archive", "indexed"} <= set(names), names
    for k, step in enumerate(steps):
        fresh()
        traced = Traced(["build"], root, tmp_path / "kill.trace")
        done = -1
        while (event := traced.next()) is not None:
            if event[0] == traced.proc.pid:
                done += 1
                if done == k:
                    traced.proc.kill()  # stopped at this step: killed in the middle of the build
                    break
            traced.resume(event[0])
        traced.proc.communicate(timeout=120)
        assert done == k and traced.proc.returncode == -9, f"the build ended before step {k} ({step[1]})"
        now = digests(root / "output")
        for name, digest in now.items():
            assert digest in (old[name], new.get(name)), f"{name} is neither old nor new after step {k} {step[1:]}"
        assert set(now) <= set(new) | set(old)
    run("build", cwd=root, check=True)
    assert digests(root / "output") == new
    assert not list((root / "output").rglob(".*.part"))


def test_a_second_build_waits_for_the_first(sample_ws, tmp_path):
    first = Traced(["build"], sample_ws, tmp_path / "first.trace", stop="locked")
    event = first.next()
    assert event[1] == "locked"  # the first holds the lock, stopped
    env = {**os.environ, "PYTHONPATH": str(REPO), "BULLETIN_LANG": "en"}
    second = subprocess.Popen([*BULLETIN, "build"], cwd=sample_ws, env=env, stdin=subprocess.DEVNULL,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    said = second.stderr.readline()  # blocks until the second has something to say
    assert "another build of this workspace is running" in said and str(first.proc.pid) in said
    assert second.poll() is None  # waiting, not gone
    first.resume(event[0])
    first.finish()
    _, err = second.communicate(timeout=300)
    assert first.proc.returncode == 0 and second.returncode == 0, err


def test_a_typesetting_process_that_dies_costs_one_edition_not_the_build(sample_ws, tmp_path):
    traced = Traced(["build", "--jobs", "1"], sample_ws, tmp_path / "t.trace", stop="job")
    killed = None
    while (event := traced.next()) is not None:
        if event[1] == "job" and killed is None:
            os.kill(event[0], signal.SIGKILL)  # a typesetter, stopped as it starts its first edition
            killed = event[0]
        else:
            traced.resume(event[0])
    out, err = traced.proc.communicate(timeout=300)
    assert killed and traced.proc.returncode == 1 and "Traceback" not in err
    stopped = [line for line in err.splitlines() if "the typesetting process stopped" in line]
    assert len(stopped) == 1 and "killed by signal 9" in stopped[0] and stopped[0].startswith("issues/20")
    assert len(re.findall(r"wrote output/\S+\.pdf", out)) == 3   # the others, by a new typesetter
    again = run("build", cwd=sample_ws, check=True)
    assert len(re.findall(r"wrote output/\S+\.pdf", again.stdout)) == 1


def test_a_killed_build_leaves_no_typesetting_process_and_no_lock(sample_ws, tmp_path):
    """SIGKILL the build while two typesetters are each in a job: they die with it (they
    would otherwise wait for ever on their sockets)."""
    traced = Traced(["build", "--jobs", "2"], sample_ws, tmp_path / "t.trace", stop="job")
    typesetters = set()
    while len(typesetters) < 2 and (event := traced.next()) is not None:
        if event[1] == "job":
            typesetters.add(event[0])  # left stopped, in its job
        else:
            traced.resume(event[0])
    assert len(typesetters) == 2 and traced.proc.poll() is None
    traced.proc.kill()
    traced.proc.communicate(timeout=60)
    deadline = time.monotonic() + 60
    while any(alive(pid) for pid in typesetters) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not [pid for pid in typesetters if alive(pid)], "typesetting processes outlived the build"
    again = run("build", cwd=sample_ws, check=True)
    assert "waiting" not in again.stderr


def test_a_killed_build_leaves_no_pagefind_writing_into_output(sample_ws, tmp_path):
    """Pagefind dies with the build: else it would go on writing into output/, into the staging
    folder that the next build's Pagefind writes to."""
    slow = tmp_path / "pagefind"
    slow.write_text("#!/bin/sh\nexec sleep 59.0713\n")  # (a number no other process sleeps)
    slow.chmod(0o755)
    proc = subprocess.Popen([*BULLETIN, "build"], cwd=sample_ws, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            stdin=subprocess.DEVNULL,
                            env={**os.environ, "PYTHONPATH": str(REPO), "PAGEFIND_BINARY_PATH": str(slow)})
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None and not processes_with(b"59.0713"):
        time.sleep(0.02)
    assert proc.poll() is None and processes_with(b"59.0713"), "the build never started Pagefind"
    proc.kill()
    proc.wait()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and processes_with(b"59.0713"):
        time.sleep(0.05)
    assert processes_with(b"59.0713") == [], "Pagefind outlived the build"
