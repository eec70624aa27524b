"""The `bulletin` command (and `python -m bulletin`): cli.py, with a head start for builds.

A build's first PDF waits for a typesetting process to import WeasyPrint,
longer than anything else the build does first.  So for `bulletin build`
that process is forked here, before Click and the commands are imported
(0.1 s), and imports WeasyPrint while they do.  cli.py takes it over, or
kills it if the command turns out not to be a build.
"""
import sys


def main() -> None:
    from . import fork

    early = fork.typesetter() if _command(sys.argv[1:]) == "build" and fork.cores() > 1 else None
    obj = {"early": early}
    try:
        from .cli import main as cli
        cli(obj=obj)
    finally:
        if obj.get("early"):  # not taken over: Click stopped first (--help, a usage error), or no build
            from .workers import Worker
            Worker(forked=obj["early"]).stop()  # never used: killed, not waited for


def _command(args: list[str]) -> str | None:
    """The command named on the line, without parsing it as Click will: None if unsure."""
    i = 0
    while i < len(args):
        if args[i] == "-C":
            i += 2
        elif args[i].startswith("-C"):
            i += 1
        elif args[i].startswith("-"):
            return None  # --help, --version, or a mistake Click will explain
        else:
            return None if {"-h", "--help"} & set(args[i + 1:]) else args[i]
    return None


if __name__ == "__main__":
    main()
