"""Strict YAML for front matter and bulletin.yaml.

PyYAML's safe_load still changes meanings silently: `042` is 34 (octal),
`1:20` is 80 (base 60), `no` is False, a repeated key keeps the last value
and aliases can build exponential graphs.  This loader keeps YAML's
syntax but resolves only decimal integers, decimal floats, `true`/`false`
and null; everything else stays a string and is checked by the schema.
Anchors, aliases and duplicate or non-string keys are errors.  Mappings
and sequences remember where each value stood, so that later checks can
say `path:line:col`.
"""
from __future__ import annotations

import re
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from .errors import BulletinError, Location
from .i18n import N_, _

MAX_YAML_BYTES = 64 * 1024


class LocatedDict(dict):
    """A dict that knows the (line, col) of each value and of the mapping."""

    where: dict
    start: tuple[int, int]


class LocatedList(list):
    where: list
    start: tuple[int, int]


class _StrictLoader(yaml.SafeLoader):
    line_offset = 0

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise _Refused(_("anchors and aliases (&name, *name) are not allowed here"), event.start_mark,
                           _("write the value out in full each time"))
        return super().compose_node(parent, index)

    def _pos(self, node) -> tuple[int, int]:
        return (node.start_mark.line + 1 + self.line_offset, node.start_mark.column + 1)

    def construct_located_mapping(self, node: MappingNode):
        result = LocatedDict()
        result.where, result.start = {}, self._pos(node)
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode) or key_node.tag != "tag:yaml.org,2002:str":
                raise _Refused(_("keys must be plain names"), key_node.start_mark,
                               _("write each field as 'name: value'"))
            key = key_node.value
            if key in result:
                raise _Refused(
                    _("'{key}' appears twice (first on line {line})").format(key=key, line=result.where[key][0]),
                    key_node.start_mark, _("keep one of the two lines"))
            result[key] = self.construct_object(value_node, deep=True)
            result.where[key] = self._pos(value_node)
        return result

    def construct_located_sequence(self, node: SequenceNode):
        result = LocatedList(self.construct_object(child, deep=True) for child in node.value)
        result.where, result.start = [self._pos(c) for c in node.value], self._pos(node)
        return result


# Start from no implicit resolvers at all, then add back only the plain ones.
_StrictLoader.yaml_implicit_resolvers = {}
_StrictLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|false)$"), list("tf"))
_StrictLoader.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$"), list("-+0123456789"))
_StrictLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$"),
    list("-+0123456789."))
_StrictLoader.add_implicit_resolver(
    "tag:yaml.org,2002:null", re.compile(r"^(?:~|null|)$"), ["~", "n", ""])
_StrictLoader.add_constructor("tag:yaml.org,2002:map", _StrictLoader.construct_located_mapping)
_StrictLoader.add_constructor("tag:yaml.org,2002:seq", _StrictLoader.construct_located_sequence)
# Explicit tags such as !!binary or !!timestamp would bring back the surprises.
for _tag in ("binary", "timestamp", "set", "omap", "pairs", "merge", "value"):
    _StrictLoader.yaml_constructors.pop(f"tag:yaml.org,2002:{_tag}", None)


def load(text: str, path: Path, line_offset: int = 0):
    """Parse YAML text strictly.  `line_offset` is the number of file lines
    before `text` (front matter starts after the opening `---`)."""
    if len(text.encode("utf-8")) > MAX_YAML_BYTES:
        raise BulletinError(
            _("the YAML block is larger than {limit} KiB").format(limit=MAX_YAML_BYTES // 1024),
            Location(path, line_offset + 1, 1), _("keep settings and front matter short"))
    loader = None
    try:
        loader = _StrictLoader(text)  # reads the stream: may raise ReaderError
        loader.line_offset = line_offset
        data = loader.get_single_data()
        slip = _ime_slip(text, path, line_offset, text.count("\n")) if isinstance(data, str) else None
        if slip is not None:  # `issue:2` alone is one string, not a mapping
            raise slip
        return data
    except yaml.reader.ReaderError as exc:
        before = text[: exc.position]
        line, col = before.count("\n") + 1, len(before) - before.rfind("\n")
        raise BulletinError(_("the character U+{code:04X} is not allowed in YAML").format(code=exc.character),
                            Location(path, line + line_offset, col), _("delete it")) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        slip = _ime_slip(text, path, line_offset, mark.line if mark else len(text))
        if slip is not None:
            raise slip from None
        where = Location(path, mark.line + 1 + line_offset, mark.column + 1) if mark else Location(path)
        raise BulletinError(_yaml_message(exc), where, _yaml_hint(exc)) from None
    except yaml.YAMLError:
        raise BulletinError(_("not valid YAML"), Location(path, line_offset + 1, 1)) from None
    except RecursionError:
        raise BulletinError(_("the YAML is nested too deeply"), Location(path, line_offset + 1, 1)) from None
    finally:
        if loader is not None:
            loader.dispose()


# Slips of a Chinese input method: `issue：2` (a full-width colon), `issue:2` (no space).
_FULL_COLON = re.compile(r"^(\s*(?:-\s+)?)([^\s:：#'\"][^:：#'\"]*?)\s*：\s*(.*)$")
_NO_SPACE = re.compile(r"^(\s*(?:-\s+)?)([A-Za-z_][\w.-]*):(?=\S)(.*)$")


def _ime_slip(text: str, path: Path, line_offset: int, error_line: int) -> BulletinError | None:
    """The first IME slip at or above the line where PyYAML failed, as an error of its own:
    PyYAML says "mapping values are not allowed here", often on the next line."""
    for n, line in enumerate(text.split("\n")[: error_line + 1]):
        full, bare = _FULL_COLON.match(line), _NO_SPACE.match(line)
        if full:
            key, value = full.group(2).strip(), full.group(3).strip()
            return BulletinError(
                _("'{key}' is followed by a full-width colon '：'; YAML needs an ASCII colon ':' and a space").format(key=key),
                Location(path, n + 1 + line_offset, line.index("：") + 1),
                _("switch the input method to English punctuation and write: {key}: {value}").format(key=key, value=value))
        if bare:
            key, value = bare.group(2), bare.group(3).strip()
            return BulletinError(
                _("no space after the colon of '{key}'; YAML needs ': ' between a name and its value").format(key=key),
                Location(path, n + 1 + line_offset, bare.end(2) + 1),
                _("write: {key}: {value}").format(key=key, value=value))
    return None


# PyYAML's problems (fixed English texts) and what to say instead, with a hint.
_PROBLEMS = (
    ("'\\t'", N_("a tab character; YAML is indented with spaces only"),
     N_("replace the tab with spaces: two spaces for each level")),
    ("could not determine a constructor", N_("YAML tags such as '!!binary' are not allowed"), ""),
    ("mapping values are not allowed", N_("mapping values are not allowed here: a ': ' inside a value, "
                                          "or a line indented under a value"),
     N_("put text that contains ': ' in quotes")),
    ("found unexpected end of stream", N_("not valid YAML: a quotation mark is not closed"),
     N_("close the quotation mark on the line where it opens")),
    ("<stream end>", N_("not valid YAML: a bracket '[' or '{{' is not closed"),
     N_("close it on the same line, or put the text in quotes")),
    ("expected <block end>", N_("not valid YAML: this line does not fit the indentation of the lines above"),
     N_("indent it with as many spaces as the other fields at its level")),
    ("found character", N_("not valid YAML: a value cannot start with '{char}'"), N_("put the value in quotes")),
)
_CHARACTER = re.compile(r"found character '(.+?)'")


class _Refused(yaml.MarkedYAMLError):
    """What this loader refuses (aliases, duplicate keys...), said in the user's language already."""

    def __init__(self, message: str, mark, hint: str = ""):
        super().__init__(None, None, message, mark)
        self.hint = hint


def _yaml_message(exc: yaml.MarkedYAMLError) -> str:
    if isinstance(exc, _Refused):
        return exc.problem
    problem = exc.problem or ""
    for words, message, _hint in _PROBLEMS:
        if words in problem:
            char = _CHARACTER.search(problem)
            return _(message).format(char=char.group(1) if char else "")
    # the Chinese catalog leaves PyYAML's English words out
    return _("not valid YAML: {problem}").format(problem=problem) if problem else _("not valid YAML")


def _yaml_hint(exc: yaml.MarkedYAMLError) -> str:
    if isinstance(exc, _Refused):
        return exc.hint
    problem = exc.problem or ""
    return next((_(hint) for words, _message, hint in _PROBLEMS if words in problem and hint), "")
