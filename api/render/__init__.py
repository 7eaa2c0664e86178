"""Report renderers by format (json, md, html, sarif): an explicit registry the built-ins go through too."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from compute.report import VerificationReport


@dataclass(frozen=True)
class Renderer:
    format: str  # the key: "json", "md", "html", "sarif"
    media_type: str
    suffix: str
    render: Callable[[VerificationReport], str]


class UnknownFormatError(KeyError):
    def __init__(self, format: str, known: list[str]) -> None:
        self.format = format
        self.known = known
        super().__init__(f"no renderer for format {format!r}; known formats: {', '.join(known)}")


class Renderers:
    def __init__(self) -> None:
        self._by_format: dict[str, Renderer] = {}

    def register(self, renderer: Renderer) -> Renderer:
        if renderer.format in self._by_format:
            raise ValueError(f"format {renderer.format!r} already has a renderer")
        self._by_format[renderer.format] = renderer
        return renderer

    def get(self, format: str) -> Renderer:
        try:
            return self._by_format[format]
        except KeyError:
            raise UnknownFormatError(format, self.formats()) from None

    def for_media_type(self, media_type: str) -> Renderer | None:
        return next((r for r in self._by_format.values() if r.media_type == media_type), None)

    def formats(self) -> list[str]:
        return list(self._by_format)


def default_renderers() -> Renderers:
    from api.render import html, json, markdown, sarif

    renderers = Renderers()
    for module in (json, markdown, html, sarif):
        renderers.register(module.RENDERER)
    return renderers


def render(report: VerificationReport, format: str, renderers: Renderers | None = None) -> str:
    return (renderers or default_renderers()).get(format).render(report)
