"""Messages in the user's language: gettext catalogs in bulletin/locale/.

Every string a user reads goes through `_()` (or `N_()` where it is defined
before the language is known, and `_()` where it is shown).  Message ids are
the English text with `{named}` placeholders, formatted after translation:

    _("{name} was published on {date}").format(name=name, date=date)

The language is chosen once per command (`choose`): --lang or BULLETIN_LANG;
else the locale (LC_ALL, LC_MESSAGES, LANG): zh_* is Chinese, any other
named locale English; a locale that says nothing (unset, C, POSIX, as on
many servers) defers to the workspace's `language`; English otherwise.

The catalogs are made and compiled with Babel (scripts/catalogs.py); only
the compiled .mo files are read here, by the standard library's gettext.
"""
from __future__ import annotations

import gettext
import os
from pathlib import Path

LOCALEDIR = Path(__file__).parent / "locale"
DOMAIN = "bulletin"
LANGUAGES = ("zh", "en")

_translation: gettext.NullTranslations = gettext.NullTranslations()
_language = "en"


def from_locale(environ=os.environ) -> str | None:
    """zh or en from the POSIX locale variables; None when they say nothing."""
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(var, "")
        if value:
            base = value.split(".")[0].split("@")[0]
            if base in ("C", "POSIX"):
                return None
            return "zh" if base.lower().startswith("zh") else "en"
    return None


def normal(language: str | None) -> str | None:
    """zh or en for any spelling of them (zh-CN, zh_CN.UTF-8, en-GB, EN); None for other text."""
    if not language:
        return None
    base = language.strip().lower().replace("_", "-").split(".")[0]
    if base.startswith("zh"):
        return "zh"
    if base.startswith("en"):
        return "en"
    return None


def choose(option: str | None = None, workspace_language: str | None = None, environ=os.environ) -> str:
    """The language of this command's messages (see the module's docstring)."""
    return (normal(option) or normal(environ.get("BULLETIN_LANG")) or from_locale(environ)
            or normal(workspace_language) or "en")


def set_language(language: str) -> None:
    """Load the catalog of `language` (zh or en) for every later `_()`."""
    global _translation, _language
    _language = normal(language) or "en"
    if _language == "en":
        _translation = gettext.NullTranslations()
        return
    _translation = gettext.translation(DOMAIN, LOCALEDIR, languages=["zh_CN"], fallback=True)


def language() -> str:
    return _language


def _(message: str) -> str:
    return _translation.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translation.ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark `message` for the catalog without translating it now (it is translated where shown)."""
    return message
