"""What this machine lacks for typesetting, and the command that installs it."""
from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass

APT = "apt-get install -y"


@dataclass
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""
    required: bool = True


# role, the faces the theme prefers, the free face it falls back to, its package
FONT_ROLES = (
    ("body 仿宋", ("FangSong", "仿宋", "FangSong_GB2312", "仿宋_GB2312"), "Noto Serif CJK SC", "fonts-noto-cjk"),
    ("titles 宋体", ("SimSun", "宋体"), "Noto Serif CJK SC", "fonts-noto-cjk"),
    ("headings 黑体", ("SimHei", "黑体"), "Noto Sans CJK SC", "fonts-noto-cjk"),
    ("headings 楷体", ("KaiTi", "楷体", "KaiTi_GB2312", "楷体_GB2312"), "AR PL UKai CN", "fonts-arphic-ukai"),
)


def font_families() -> set[str] | None:
    """Every family name fontconfig knows (all languages), or None without fc-list."""
    if not shutil.which("fc-list"):
        return None
    out = subprocess.run(["fc-list", "--format", "%{family}\n"], capture_output=True, text=True).stdout
    return {name.strip() for line in out.splitlines() for name in line.split(",") if name.strip()}


def substitutions(families: set[str]) -> list[tuple[str, str]]:
    """(role, face in use) for each role of the theme."""
    used = []
    for role, preferred, fallback, _ in FONT_ROLES:
        face = next((f for f in preferred if f in families), None)
        used.append((role, face or (fallback if fallback in families else "none")))
    return used


def checks() -> list[Check]:
    results = []
    try:
        from weasyprint.text.ffi import harfbuzz, harfbuzz_subset, pango
        from weasyprint import VERSION
        v = pango.pango_version()
        results.append(Check("Pango", True, f"Pango {v // 10000}.{v // 100 % 100}.{v % 100}, WeasyPrint {VERSION}"))
        if harfbuzz_subset is not None and harfbuzz.hb_version_atleast(4, 1, 0):
            results.append(Check("HarfBuzz subsetting", True, "libharfbuzz-subset is installed"))
        else:
            results.append(Check(
                "HarfBuzz subsetting", False,
                "libharfbuzz-subset is missing: WeasyPrint falls back to fontTools, about 40× slower on CJK fonts",
                f"{APT} libharfbuzz-subset0"))
    except (OSError, ImportError) as exc:
        results.append(Check("Pango", False, f"WeasyPrint cannot load Pango: {exc}",
                             f"{APT} libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0"))
    families = font_families()
    if families is None:
        results.append(Check("fonts", False, "fc-list (fontconfig) is not installed", f"{APT} fontconfig"))
        return results
    for role, preferred, fallback, package in FONT_ROLES:
        have = next((f for f in preferred if f in families), None)
        if have:
            results.append(Check(f"font for {role}", True, have))
        elif fallback in families:
            results.append(Check(f"font for {role}", True, f"{fallback} (in place of {preferred[0]})"))
        else:
            results.append(Check(f"font for {role}", False, f"neither {preferred[0]} nor {fallback} is installed",
                                 f"{APT} {package}"))
    return results

