"""The command line before Click reads it: where the command is, and the workspace options
(-C, --lang) that office staff type after it (`bulletin check --lang zh`) put back before it,
where Click looks for them."""
from __future__ import annotations

GLOBAL = ("-C", "--lang")  # the group's options that take a value


def _global(arg: str) -> int:
    """How many words a global option at `arg` takes (0: not one)."""
    if arg in GLOBAL:
        return 2
    return 1 if arg.startswith("--lang=") or (arg.startswith("-C") and len(arg) > 2) else 0


def command_index(args: list[str]) -> int | None:
    """Where the command is named, without parsing the line as Click will: None if there is none."""
    i = 0
    while i < len(args):
        taken = _global(args[i])
        if taken:
            i += taken
        elif args[i].startswith("-"):
            return None  # --help, --version, or a mistake Click will explain
        else:
            return i
    return None


def hoisted(args: list[str]) -> list[str]:
    """`args` with -C and --lang given after the command moved before it (not those after `--`)."""
    at = command_index(args)
    if at is None:
        return list(args)
    end = args.index("--") if "--" in args else len(args)
    moved, rest, i = [], [], at + 1
    while i < end:
        taken = _global(args[i])
        if not taken:
            rest.append(args[i])
            i += 1
        elif i + taken > end:
            # its value is missing: put it last before the command is named, so that Click says the
            # option needs a value instead of taking the command's name for one
            return [*args[:at], *moved, args[i]]
        else:
            moved += args[i:i + taken]
            i += taken
    return [*args[:at], *moved, args[at], *rest, *args[end:]]
