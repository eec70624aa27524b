"""The `bulletin` command (and `python -m bulletin`): the language, a head start for
builds, then cli.main.

A build's first PDF waits for a typesetting process to import WeasyPrint,
longer than anything else the build does first.  So for `bulletin build`
that process is forked here, before Click and the commands are imported
(0.1 s), and imports WeasyPrint while they do.  cli.py takes it over, or it
is killed if the command stopped first.

The language of messages is chosen before cli.py is imported, so that its
help texts are translated too (i18n.py says how it is chosen).
"""
import os
import sys


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not sys.warnoptions:
        # the libraries' notes to their own developers (cryptography's "DSA is deprecated", printed
        # when pyHanko imports it) are not for the office: only -W or PYTHONWARNINGS show them
        import warnings
        warnings.simplefilter("ignore")
    _choose_language(argv)  # first: a typesetter forked below speaks it too
    from .system import cores

    early = None
    if _command(argv) == "build" and cores() > 1:
        from .typeset.fork import typesetter
        early = typesetter()
    obj = {"early": early}
    try:
        from .cli import main as run
        return run(argv, obj=obj)
    finally:
        if obj.get("early"):  # not taken over: Click stopped first (--help, a usage error)
            from .typeset.pool import Worker
            Worker(forked=obj["early"]).stop()  # never used: killed, not waited for


def _choose_language(argv: list[str]) -> None:
    from . import i18n

    option = None
    for i, arg in enumerate(argv):  # the last one counts, as it does for Click
        if arg == "--lang" and i + 1 < len(argv):
            option = argv[i + 1]
        elif arg.startswith("--lang="):
            option = arg.split("=", 1)[1]
    i18n.set_language(i18n.choose(option, _workspace_language(argv)))
    if i18n.language() == "zh":
        # Click's own messages (Usage:, Error:, ...) come from the process's gettext domain
        import gettext
        gettext.bindtextdomain(i18n.DOMAIN, str(i18n.LOCALEDIR))
        gettext.textdomain(i18n.DOMAIN)
        os.environ["LANGUAGE"] = "zh_CN"


def _workspace_language(argv: list[str]) -> str | None:
    """The `language:` of the workspace's bulletin.yaml, read loosely (any error: None)."""
    import re
    from pathlib import Path

    folder = next((argv[i + 1] for i in reversed(range(len(argv) - 1)) if argv[i] == "-C"), None)
    start = Path(folder) if folder else Path.cwd()
    for candidate in [start, *start.resolve().parents][: 1 if folder else None]:
        try:
            text = (candidate / "bulletin.yaml").read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        found = re.search(r"^language\s*:\s*['\"]?([A-Za-z_-]+)", text, re.M)
        return found.group(1) if found else "zh-CN"
    return None


def _command(args: list[str]) -> str | None:
    """The command named on the line, without parsing it as Click will: None if unsure."""
    from .argv import command_index

    i = command_index(args)
    return None if i is None or {"-h", "--help"} & set(args[i + 1:]) else args[i]


def entry() -> None:
    """The console script: exit with main's status."""
    sys.exit(main())


if __name__ == "__main__":
    sys.exit(main())
