"""Themes: Jinja2 templates and CSS, the workspace's own files first.

A file in the workspace's `templates/` replaces the theme's file of the
same name; `templates/extra.css`, when present, is added after the theme's
CSS.  Autoescape is on for every template and an undefined name is an
error, so a misspelt variable fails loudly instead of printing nothing.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import jinja2
from markupsafe import Markup

from ..errors import BulletinError, Location
from ..i18n import _
from ..workspace import theme_dir
from .cjk import keep_last

EXTRA_CSS = "extra.css"
# The files no edition (PDF or web page) is made from: the archive's pages, the feed and
# sitemap, the mail.  A change to one of them makes the archive pages again, never an edition.
NOT_EDITIONS = frozenset({"archive.html", "archive.css", "_search.html", "search.js", "feed.xml", "sitemap.xml",
                          "mail.html", "mail.txt", "review.css", "review_mark.svg", "review_diff.html",
                          "volume.html", "volume.css"})


class _ConfinedLoader(jinja2.FileSystemLoader):
    """The workspace's templates/, refusing links that lead out of it."""

    def __init__(self, folder: Path):
        super().__init__(str(folder))
        self.folder = folder.resolve()

    def get_source(self, environment, template):
        path = (self.folder / template).resolve()
        if path.exists() and not path.is_relative_to(self.folder):
            raise BulletinError(_("templates/{name} is a link to a file outside the workspace").format(name=template),
                                Location(self.folder / template), _("copy the file into templates/ instead"))
        return super().get_source(environment, template)


@lru_cache(maxsize=8)
def environment(overrides: Path | None, theme: str) -> jinja2.Environment:
    loaders = []
    if overrides is not None and overrides.is_dir():
        loaders.append(_ConfinedLoader(overrides))
    loaders.append(jinja2.FileSystemLoader(str(theme_dir(theme))))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals["stylesheet"] = lambda *names: _stylesheet(env, names)
    env.filters["keep_last"] = keep_last
    return env


def _stylesheet(env: jinja2.Environment, names) -> Markup:
    """The CSS files, read raw (CSS is not a template), for a <style> element."""
    parts = []
    for name in (*names, EXTRA_CSS):
        try:
            source, _filename, _uptodate = env.loader.get_source(env, name)
        except jinja2.TemplateNotFound:
            if name == EXTRA_CSS:
                continue
            raise
        parts.append(f"/* {name} */\n{source}")
    # "</style" inside CSS would end the element early; nothing legitimate needs it.
    return Markup("\n".join(parts).replace("</", "<\\/"))


def render(env: jinja2.Environment, name: str, **context) -> str:
    try:
        return env.get_template(name).render(**context)
    except jinja2.TemplateSyntaxError as exc:
        raise BulletinError(_("template error: {error}").format(error=exc.message),
                            Location(Path(exc.filename or name), exc.lineno or 0, 1)) from None
    except jinja2.UndefinedError as exc:
        raise BulletinError(_("template error in {name}: {error}").format(name=name, error=exc.message),
                            hint=_("check the variable names against the theme's templates")) from None
    except jinja2.TemplateNotFound as exc:
        raise BulletinError(_("template '{name}' not found").format(name=exc.name),
                            hint=_("a file of the workspace's templates/ names a template the theme does not have")) from None
