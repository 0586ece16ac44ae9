"""Walking the portal like a user: find a link on the page just shown and follow it."""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

from django.test import Client


@dataclass
class Link:
    href: str
    attrs: dict[str, str]
    text: str


class _LinkParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[Link] = []
        self._open: Link | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            values = {k: v or "" for k, v in attrs}
            if values.get("href"):
                self._open = Link(values["href"], values, "")
                self.links.append(self._open)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            self._open = None

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._open.text += data


def links(html: str) -> list[Link]:
    """Every ``<a href>`` of a page, with its attributes and text."""
    parser = _LinkParser()
    parser.feed(html)
    for link in parser.links:
        link.text = " ".join(link.text.split())
    return parser.links


def find(html: str, *, text: str | None = None, **attrs: str) -> Link:
    """The one link with this text and these attributes (``data_nav="x"`` for ``data-nav``)."""
    wanted = {k.replace("_", "-"): v for k, v in attrs.items()}
    found = [
        link
        for link in links(html)
        if (text is None or link.text == text)
        and all(link.attrs.get(k) == v for k, v in wanted.items())
    ]
    assert len(found) == 1, f"expected one link {text!r} {wanted}, found {len(found)}"
    return found[0]


def follow(client: Client, response: Any, *, text: str | None = None, **attrs: str) -> Any:
    """Click the link on ``response``'s page; the page behind it must answer 200."""
    link = find(response.content.decode(), text=text, **attrs)
    target = client.get(link.href, follow=True)
    assert target.status_code == 200, (link.href, target.status_code)
    return target
