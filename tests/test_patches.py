"""A WeasyPrint workaround that cannot install (render/patches.py) is said, never silent:
a warning on the build that typesets without it, its line in `bulletin doctor`.

Each case changes the real WeasyPrint a real `bulletin` process loads, from outside
bulletin: a `sitecustomize.py` on PYTHONPATH (run by Python at start-up), or an
installation that says it is another major version.  bulletin's own code is as shipped.
"""
import re
import textwrap
from pathlib import Path

import pytest

from conftest import REPO, copy_sample, run

CJK = "CJK justification (Chinese lines flush on both sides)"
OTHERS = ["quick loading of WeasyPrint's C libraries", "WeasyPrint's C declarations parsed once per machine",
          "font files copied only when read"]

# A WeasyPrint whose TextBox has no `copy_with_text` of its own (as if renamed in a later
# release): render/cjk.py needs it to split a text box, so it must not install.  Instances
# still find the method (through __getattr__), so WeasyPrint itself works as before.
WITHOUT_HOOK = '''
import importlib.abc, importlib.machinery, sys

class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name != "weasyprint.formatting_structure.boxes":
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        run = spec.loader.exec_module

        def exec_module(module):
            run(module)
            cls = module.TextBox
            method = cls.__dict__["copy_with_text"]
            del cls.copy_with_text

            def __getattr__(self, attr):
                if attr == "copy_with_text":
                    return method.__get__(self)
                raise AttributeError(attr)
            cls.__getattr__ = __getattr__
        spec.loader.exec_module = exec_module
        return spec

sys.meta_path.insert(0, _Finder())
'''


def without_hook(folder: Path) -> dict:
    (folder / "sitecustomize.py").write_text(WITHOUT_HOOK, encoding="utf-8")
    return {"PYTHONPATH": f"{folder}:{REPO}"}


def next_major(folder: Path) -> dict:
    """The real WeasyPrint package, found first on PYTHONPATH beside metadata saying 71.0:
    what `pip install -U weasyprint` past the pin would give."""
    import weasyprint

    (folder / "weasyprint").symlink_to(Path(weasyprint.__file__).parent, target_is_directory=True)
    meta = folder / "weasyprint-71.0.dist-info"
    meta.mkdir()
    (meta / "METADATA").write_text("Metadata-Version: 2.1\nName: weasyprint\nVersion: 71.0\n", encoding="utf-8")
    return {"PYTHONPATH": f"{folder}:{REPO}"}


def doctor_line(out: str, name: str) -> str:
    found = [line for line in out.splitlines() if f" {name}: " in line]
    assert len(found) == 1, out
    return found[0]


@pytest.mark.parametrize("change, why, fix, others_active", [
    (without_hook, "the functions it replaces are not in this WeasyPrint",
     "pip install --force-reinstall 'weasyprint==70.*'", True),
    (next_major, "written for WeasyPrint 70, and this is WeasyPrint 71.0", "pip install 'weasyprint==70.*'", False),
])
def test_an_unavailable_patch_is_a_warning_and_a_doctor_line(tmp_path, change, why, fix, others_active):
    root = copy_sample(tmp_path / "ws")
    site = tmp_path / "site"
    site.mkdir()
    env = {**change(site), "BULLETIN_LANG": "en"}

    built = run("build", "2018-02", cwd=root, env=env)
    assert built.returncode == 0, built.stderr
    assert (root / "output" / "2018-02.pdf").stat().st_size > 0
    warnings = [line for line in built.stderr.splitlines() if CJK in line]
    assert len(warnings) == 1, built.stderr  # said once, not once per edition
    assert "warning" in warnings[0] and why in warnings[0] and "bulletin doctor" in warnings[0]

    doctor = run("doctor", cwd=root, env=env)
    line = doctor_line(doctor.stdout, CJK)
    assert f"unavailable: {why}" in line and not line.startswith("ok"), doctor.stdout
    lines = doctor.stdout.splitlines()
    assert lines[lines.index(line) + 1].strip() == f"fix: {fix}", doctor.stdout  # its own remedy
    assert doctor.returncode == 1  # the PDF is not what it should be: the machine is not ready
    for other in OTHERS:
        assert ("active" in doctor_line(doctor.stdout, other)) == others_active, doctor.stdout
    if change is without_hook:  # the reason is translated too
        zh = run("doctor", cwd=root, env={**env, "BULLETIN_LANG": "zh"})
        assert "此版本的 WeasyPrint 中没有它所替换的函数" in zh.stdout, zh.stdout


def test_with_every_patch_installed_the_build_says_nothing_of_them(tmp_path):
    """The other side: the same build and doctor on the WeasyPrint as installed."""
    root = copy_sample(tmp_path / "ws")
    built = run("build", "2018-02", cwd=root, env={"BULLETIN_LANG": "en"})
    assert built.returncode == 0, built.stderr
    assert "unavailable" not in built.stderr and CJK not in built.stderr
    doctor = run("doctor", cwd=root, env={"BULLETIN_LANG": "en"})
    for name in [CJK, *OTHERS]:
        assert re.match(r"ok\s+", doctor_line(doctor.stdout, name)), doctor.stdout
