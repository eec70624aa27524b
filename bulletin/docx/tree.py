"""The body HTML that markdown-it made, read back into a small tree.

The Issue carries its articles as HTML (one rendering serves the web page
and the PDF); the DOCX is made from the same HTML, read with the standard
library's parser.  The HTML is markdown-it's own output with raw HTML off,
so it is well formed and its vocabulary is small: p, h3-h6, ul/ol/li,
blockquote, pre/code, hr, table (caption, thead, tbody, tr, th, td),
figure/img/figcaption, aside (the editor's note), section.footnotes, and
inline em, strong, s, code, a, sup, span, br.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = frozenset({"img", "br", "hr"})


@dataclass
class Node:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[Node | str] = field(default_factory=list)

    def elements(self) -> list[Node]:
        return [c for c in self.children if isinstance(c, Node)]

    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)


class _Reader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("body")
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(Node(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag):
        # close up to the matching element; a stray end tag is ignored
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def parse(html: str) -> Node:
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader.root
