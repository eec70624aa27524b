"""Reproducible, atomic and archival outputs."""
import hashlib
import os
import re
import shutil
import signal
import subprocess
import time

import page
import pikepdf
import pytest

import longissue
from conftest import BULLETIN, REPO, run


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
    root = tmp_path / "ws"
    root.mkdir()
    shutil.copy(REPO / "bulletin.yaml", root)
    shutil.copytree(REPO / "issues", root / "issues")
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
    root = tmp_path / "ws"
    root.mkdir()
    shutil.copy(REPO / "bulletin.yaml", root)
    shutil.copytree(REPO / "issues", root / "issues")
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


def test_a_build_killed_at_any_moment_leaves_old_or_new_files(tmp_path):
    """SIGKILL during a build: each output is the previous complete file or the new complete one."""
    root = tmp_path / "ws"
    longissue.write(root)  # a long edition: the build lasts a few seconds
    run("build", cwd=root, check=True)
    old = digests(root / "output")

    (root / "templates").mkdir()
    (root / "templates" / "extra.css").write_text(".title { letter-spacing: 0.2em; }")
    reference = tmp_path / "reference"
    shutil.copytree(root, reference, ignore=shutil.ignore_patterns("output"))
    run("build", cwd=reference, check=True)
    new = digests(reference / "output")
    assert set(old) == set(new) and all(old[k] != new[k] for k in old if k.endswith(".pdf"))

    env = {**os.environ, "PYTHONPATH": str(REPO)}
    kills = 0
    for delay in (0.4, 0.8, 1.2, 1.6, 2.0, 2.4, 2.8, 3.4):
        proc = subprocess.Popen([*BULLETIN, "build"], cwd=root, env=env, stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.wait()
        now = digests(root / "output")
        assert set(now) == set(old)
        for name, digest in now.items():
            assert digest in (old[name], new[name]), f"{name} is neither the old nor the new file after {delay} s"
        # put the old files back so that the next kill lands in the middle again
        shutil.rmtree(root / "output")
        (root / "templates" / "extra.css").rename(root / "extra.css")
        run("build", cwd=root, check=True)
        (root / "extra.css").rename(root / "templates" / "extra.css")
    assert kills >= 4
    run("build", cwd=root, check=True)
    assert digests(root / "output") == new
    assert not list((root / "output").rglob(".*.part"))


def test_a_second_build_waits_for_the_first(sample):
    root, _ = sample
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    first = subprocess.Popen([*BULLETIN, "build", "--force", "--jobs", "1"], cwd=root, env=env, stdin=subprocess.DEVNULL,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    time.sleep(0.3)
    second = run("build", cwd=root)
    first.wait(timeout=120)
    assert first.returncode == 0 and second.returncode == 0
    if first.returncode == 0 and "waiting" not in second.stderr:
        pytest.skip("the first build finished before the second started")  # a fast machine: nothing to wait for
    assert "another build of this workspace is running" in second.stderr


def _typesetters(pid):
    """The build's child processes that are typesetting workers (not Pagefind)."""
    found = []
    try:
        for child in open(f"/proc/{pid}/task/{pid}/children").read().split():
            if b"pagefind" not in open(f"/proc/{child}/cmdline", "rb").read():
                found.append(int(child))
    except OSError:  # a process that has just ended
        pass
    return found


def _cpu_seconds(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def test_a_typesetting_process_that_dies_costs_one_edition_not_the_build(tmp_path):
    root = tmp_path / "ws"
    root.mkdir()
    shutil.copy(REPO / "bulletin.yaml", root)
    shutil.copytree(REPO / "issues", root / "issues")
    proc = subprocess.Popen([*BULLETIN, "build", "--jobs", "1"], cwd=root, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL,
                            env={**os.environ, "PYTHONPATH": str(REPO)})
    killed = None
    deadline = time.time() + 60
    while killed is None and time.time() < deadline and proc.poll() is None:
        for pid in _typesetters(proc.pid):
            try:
                if _cpu_seconds(pid) > 0.8:  # past loading WeasyPrint: typesetting an edition
                    os.kill(pid, signal.SIGKILL)
                    killed = pid
            except (OSError, IndexError):
                pass
        time.sleep(0.02)
    out, err = proc.communicate(timeout=300)
    assert killed, "no typesetting process was seen"
    assert proc.returncode == 1 and "Traceback" not in err
    stopped = [line for line in err.splitlines() if "the typesetting process stopped" in line]
    assert len(stopped) == 1 and "killed by signal 9" in stopped[0] and stopped[0].startswith("issues/20")
    assert len(re.findall(r"wrote output/\S+\.pdf", out)) == 3   # the others, by a new worker
    again = run("build", cwd=root, check=True)
    assert len(re.findall(r"wrote output/\S+\.pdf", again.stdout)) == 1


def test_a_killed_build_leaves_no_typesetting_process_and_no_lock(tmp_path):
    """SIGKILL the build while its workers typeset: they die with it (they would otherwise
    wait for ever on their pipes, holding a copy of the workspace lock)."""
    root = tmp_path / "ws"
    root.mkdir()
    shutil.copy(REPO / "bulletin.yaml", root)
    shutil.copytree(REPO / "issues", root / "issues")
    proc = subprocess.Popen([*BULLETIN, "build", "--jobs", "2"], cwd=root, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
                            env={**os.environ, "PYTHONPATH": str(REPO)})
    deadline = time.time() + 60
    workers = []
    while time.time() < deadline and proc.poll() is None:
        workers = _typesetters(proc.pid)
        try:
            if len(workers) == 2 and all(_cpu_seconds(pid) > 0.8 for pid in workers):
                break
        except (OSError, IndexError):
            pass
        time.sleep(0.02)
    assert proc.poll() is None and len(workers) == 2, "the build ended before both workers typeset"
    proc.kill()
    proc.wait()
    deadline = time.time() + 10
    while time.time() < deadline and any(os.path.exists(f"/proc/{pid}") and
                                         "Z" not in open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1][:3]
                                         for pid in workers):
        time.sleep(0.05)
    alive = [pid for pid in workers if os.path.exists(f"/proc/{pid}")
             and "Z" not in open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1][:3]]
    assert alive == [], "typesetting processes outlived the build"
    again = run("build", cwd=root, check=True)
    assert "waiting" not in again.stderr


def _processes_running(needle: bytes) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        try:
            if entry.isdigit() and needle in open(f"/proc/{entry}/cmdline", "rb").read() \
                    and "Z" not in open(f"/proc/{entry}/stat").read().rsplit(")", 1)[1][:3]:
                found.append(int(entry))
        except OSError:  # a process that has just ended
            pass
    return found


def test_a_killed_build_leaves_no_pagefind_writing_into_output(tmp_path):
    """Pagefind dies with the build: else it would go on writing into output/, into the staging
    folder that the next build's Pagefind writes to."""
    root = tmp_path / "ws"
    root.mkdir()
    shutil.copy(REPO / "bulletin.yaml", root)
    shutil.copytree(REPO / "issues", root / "issues")
    slow = tmp_path / "pagefind"
    slow.write_text("#!/bin/sh\nexec sleep 59.0713\n")  # (a number no other process sleeps)
    slow.chmod(0o755)
    proc = subprocess.Popen([*BULLETIN, "build"], cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            stdin=subprocess.DEVNULL,
                            env={**os.environ, "PYTHONPATH": str(REPO), "PAGEFIND_BINARY_PATH": str(slow)})
    deadline = time.time() + 60
    while time.time() < deadline and proc.poll() is None and not _processes_running(b"59.0713"):
        time.sleep(0.02)
    assert proc.poll() is None and _processes_running(b"59.0713"), "the build never started Pagefind"
    proc.kill()
    proc.wait()
    deadline = time.time() + 10
    while time.time() < deadline and _processes_running(b"59.0713"):
        time.sleep(0.05)
    assert _processes_running(b"59.0713") == [], "Pagefind outlived the build"
