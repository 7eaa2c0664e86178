"""Source text as HTML with spans marked: claims, mentions, sentences and quotes, nested where one span holds
another and dropped where two overlap only in part (the earlier, longer or higher-priority one wins).

>>> str(annotate("DBRX has 16 experts.", 100, [Mark(109, 119, "mark", {"class": "claim"})]))
'DBRX has <mark class="claim">16 experts</mark>.'
"""

from __future__ import annotations

from dataclasses import dataclass, field

from markupsafe import Markup, escape


@dataclass(frozen=True)
class Mark:
    start: int  # offsets into the source file, like every span of the graph
    end: int
    tag: str  # "mark", "a" or "span"
    attrs: dict[str, str] = field(default_factory=dict)
    priority: int = 0  # lower wins when two marks start and end together


@dataclass
class _Node:
    mark: Mark
    children: list[_Node] = field(default_factory=list)


def _tree(marks: list[Mark], low: int, high: int) -> list[_Node]:
    """Properly nested marks as a forest; a mark crossing the end of an open one is left out."""
    roots: list[_Node] = []
    stack: list[_Node] = []
    for mark in sorted(marks, key=lambda m: (m.start, -m.end, m.priority)):
        if mark.start < low or mark.end > high or mark.end <= mark.start:
            continue
        while stack and stack[-1].mark.end <= mark.start:
            stack.pop()
        if stack and mark.end > stack[-1].mark.end:
            continue
        node = _Node(mark)
        (stack[-1].children if stack else roots).append(node)
        stack.append(node)
    return roots


def _open(mark: Mark, in_link: bool) -> tuple[str, str]:
    tag = "span" if mark.tag == "a" and in_link else mark.tag  # links never nest
    attrs = "".join(f' {name}="{escape(value)}"' for name, value in mark.attrs.items()
                    if not (tag == "span" and name == "href"))
    return f"<{tag}{attrs}>", f"</{tag}>"


def _render(text: str, offset: int, nodes: list[_Node], low: int, high: int, in_link: bool) -> str:
    parts, at = [], low
    for node in nodes:
        mark = node.mark
        parts.append(str(escape(text[at - offset:mark.start - offset])))
        opening, closing = _open(mark, in_link)
        inner = _render(text, offset, node.children, mark.start, mark.end, in_link or mark.tag == "a")
        parts.append(opening + inner + closing)
        at = mark.end
    parts.append(str(escape(text[at - offset:high - offset])))
    return "".join(parts)


def annotate(text: str, offset: int, marks: list[Mark]) -> Markup:
    """``text`` (which starts at ``offset`` in its file) as HTML, each mark wrapping its span."""
    high = offset + len(text)
    return Markup(_render(text, offset, _tree(marks, offset, high), offset, high, False))


def paragraph(text: str, offset: int, start: int, end: int, limit: int = 1200) -> tuple[str, int]:
    """The line (paragraph) of ``text`` holding [start, end), cut to about ``limit`` characters around it;
    returns the excerpt and its offset in the file."""
    low = text.rfind("\n", 0, start - offset) + 1
    found = text.find("\n", end - offset)
    high = len(text) if found < 0 else found
    spare = max(limit - (end - start), 0) // 2
    low, high = max(low, start - offset - spare), min(high, end - offset + spare)
    return text[low:high], offset + low
