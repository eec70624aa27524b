"""recipients.yaml: the e-mail addresses behind the names used in issues.

    addresses:
      国家环保部: office@mep.example.cn
      省环保厅: [a@gdep.example.cn, b@gdep.example.cn]
    groups:
      各县（市、区）环保局: [清城区环保局, 清新区环保局]

A group's members are names (addresses or other groups).  Every name of an
issue's 主送 and 抄送 must resolve to at least one address.
"""
from __future__ import annotations

import re
from pathlib import Path

from . import yamlsafe
from .errors import BulletinError, Location, Report
from .i18n import _
from .workspace import read_text

FILE = "recipients.yaml"
_ADDRESS = re.compile(r"^[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;]+$")


class AddressBook:
    def __init__(self, path: Path, addresses: dict[str, tuple[str, ...]], groups: dict[str, tuple[str, ...]]):
        self.path, self.addresses, self.groups = path, addresses, groups

    def resolve(self, name: str) -> tuple[str, ...]:
        """The addresses of a name; () if it is unknown."""
        return tuple(address for _, address in self.named(name))

    def named(self, name: str, seen: tuple[str, ...] = ()) -> tuple[tuple[str, str], ...]:
        """(display name, address) of each address behind a name; a group's members keep their
        own names, as an office's mail shows them ("市委办" <swb@...>).  () if it is unknown."""
        if name in seen:
            raise BulletinError(_("group '{name}' contains itself ({chain})").format(
                name=name, chain=" → ".join((*seen, name))), Location(self.path))
        out = [(name, a) for a in self.addresses.get(name, ())]
        for member in self.groups.get(name, ()):
            got = self.named(member, (*seen, name))
            if not got:
                raise BulletinError(_("group '{name}' names '{member}', which has no address").format(
                    name=name, member=member), Location(self.path),
                    _("add '{member}' under addresses:").format(member=member))
            out += got
        first: dict[str, str] = {}
        for display, address in out:
            first.setdefault(address, display)
        return tuple((display, address) for address, display in first.items())

    def names(self) -> list[str]:
        return sorted({*self.addresses, *self.groups})


def load(root: Path, report: Report) -> AddressBook:
    path = root / FILE
    if not path.exists():
        raise BulletinError(_("there is no {file} in the workspace").format(file=FILE), Location(path),
                            _("write one: 'addresses:' with a line 'name: address' for each recipient"))
    data = yamlsafe.load(read_text(path, root), path)
    if not isinstance(data, dict):
        raise BulletinError(_("{file} must have 'addresses:' (and may have 'groups:')").format(file=FILE),
                            Location(path, 1, 1))
    addresses, groups = {}, {}
    for key, value in data.items():
        where = Location(path, *data.where[key])
        if key not in ("addresses", "groups"):
            report.error(_("unknown section '{key}' in {file}").format(key=key, file=FILE), where,
                         _("use 'addresses:' and 'groups:'"))
            continue
        if not isinstance(value, dict):
            report.error(_("'{key}' must be a mapping of names").format(key=key), where)
            continue
        for name, item in value.items():
            loc = Location(path, *value.where[name])
            items = item if isinstance(item, list) else [item]
            if not items or not all(isinstance(i, str) and i.strip() for i in items):
                report.error((_("'{name}' must list one or more addresses") if key == "addresses" else
                              _("'{name}' must list one or more names")).format(name=name), loc)
                continue
            items = [i.strip() for i in items]
            if key == "addresses":
                bad = [i for i in items if not _ADDRESS.match(i)]
                if bad:
                    report.error(_("'{address}' is not an e-mail address").format(address=bad[0]), loc,
                                 _("write it as name@example.gov.cn"))
                    continue
                addresses[name] = tuple(items)
            else:
                groups[name] = tuple(items)
    if report.errors:
        raise BulletinError(_("{file} has errors; nothing was sent").format(file=FILE), Location(path))
    return AddressBook(path, addresses, groups)
