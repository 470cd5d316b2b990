"""The user guide (帮助 → 用户指南): a short A4 PDF declared on the document layout layer.

The text is not in the code: it is `resources/guide/用户指南.txt`, plain UTF-8 with one mark at
the start of a line, so that whoever writes the guide edits a text file and nothing else:

    % comment (not printed)            # the document's title       > a centred line under it
    ## heading                         ### sub-heading              - a list item
    any other line: body text; a blank line ends a paragraph or list item, and the lines of one
    paragraph (or item) are joined directly (Chinese text takes no space between lines).
    {version} is replaced by the program version.

`parse` turns the text into `Part`s, `guide` declares the `Document` (Title, Heading, Paragraph
and the `Bullet` block below), `write_guide_pdf` renders it atomically. Every character is
checked against the embedded fonts as for any export (MissingGlyphError names 「用户指南」), so a
character typed into the text that no font has stops the rendering instead of vanishing.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from reportlab.pdfgen.canvas import Canvas

from huiquan_desk.exports.layout import (
    Block,
    Context,
    Document,
    Heading,
    Laid,
    PageNumbers,
    Paragraph,
    Title,
    render,
)
from huiquan_desk.paths import resource

Kind = Literal["title", "subtitle", "heading", "subheading", "paragraph", "bullet"]
MARKS: tuple[tuple[str, Kind], ...] = (  # longest first: "### " before "## " before "# "
    ("### ", "subheading"), ("## ", "heading"), ("# ", "title"), ("> ", "subtitle"), ("- ", "bullet"),
)
JOINED: tuple[Kind, ...] = ("paragraph", "bullet")  # kinds whose following plain lines continue them
RECORD = "用户指南"
BODY_SIZE = 11.0
BODY_LEADING = 1.6


def guide_source() -> Path:
    """The guide's text, where the bundled resources are (checkout, wheel or frozen bundle)."""
    return resource("guide", "用户指南.txt")


@dataclass(frozen=True)
class Part:
    kind: Kind
    text: str


def parse(text: str, version: str = "") -> list[Part]:
    """The guide's text as parts, in order (see the module docstring for the marks)."""
    parts: list[Part] = []
    open_part = False  # the last part may still take continuation lines
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = raw.strip().replace("{version}", version)
        if line.startswith("%"):
            continue
        if not line:
            open_part = False
            continue
        kind: Kind = next((k for mark, k in MARKS if line.startswith(mark)), "paragraph")
        body = line if kind == "paragraph" else line[line.index(" ") + 1:].strip()
        if kind == "paragraph" and open_part and parts and parts[-1].kind in JOINED:
            parts[-1] = Part(parts[-1].kind, parts[-1].text + body)
            continue
        parts.append(Part(kind, body))
        open_part = kind in JOINED
    return parts


@dataclass(frozen=True)
class Bullet(Block):
    """A list item: `mark` in the hanging indent, the text wrapped `indent` in from the left."""

    text: str
    mark: str = "•"
    size: float = BODY_SIZE
    leading: float = BODY_LEADING
    indent: float = 18.0

    def lay(self, ctx: Context) -> Laid:
        ctx.check(self.mark)
        body = Paragraph(self.text, size=self.size, leading=self.leading, left_indent=self.indent).lay(ctx)
        mark_x = ctx.left + (self.indent - ctx.text.text_width(self.mark, self.size)) / 2

        def draw(c: Canvas, top: float) -> None:
            ctx.text.draw(c, mark_x, top - self.size, self.mark, self.size)  # first: text extraction reads it first
            body.draw(c, top)

        return self._laid(body.height, draw, "列表项")


def _block(part: Part, previous: Kind | None, next_kind: Kind | None) -> Block:
    if part.kind == "title":
        return Title(part.text, size=22.0, letter_spacing=2.0, space_after=4.0)
    if part.kind == "subtitle":
        return Paragraph(part.text, size=10.5, align="center", space_after=14.0)
    if part.kind == "heading":
        return Heading(part.text, size=15.0, space_before=14.0, space_after=4.0)
    if part.kind == "subheading":
        return Heading(part.text, size=12.5, space_before=8.0, space_after=2.0)
    # a paragraph that introduces a list (it ends in 「：」) stays on the page of the list's first item
    leads_in = part.text.endswith(("：", ":")) and next_kind == "bullet"
    if part.kind == "bullet":
        return Bullet(part.text, space_after=2.0, keep_with_next=False)
    after_list = 4.0 if previous == "bullet" else 0.0  # body text after a list stands apart from it
    return Paragraph(part.text, size=BODY_SIZE, leading=BODY_LEADING, indent=2 * BODY_SIZE, space_before=after_list,
                     space_after=5.0, keep_with_next=leads_in)


def guide(text: str, version: str) -> Document:
    """The user guide declared from its text."""
    parts = parse(text, version)
    kinds: list[Kind | None] = [None, *(part.kind for part in parts), None]
    blocks = [_block(part, kinds[i], kinds[i + 2]) for i, part in enumerate(parts)]
    title = next((part.text for part in parts if part.kind == "title"), "惠泉台账用户指南")
    return Document(blocks, page_numbers=PageNumbers(), title=title, subject=f"惠泉台账 {version} 用户指南",
                    record=RECORD)


def write_guide_pdf(path: Path, version: str, text: str | None = None) -> Path:
    """Render the guide (the bundled text unless `text` is given) to `path`, atomically."""
    if text is None:
        text = guide_source().read_text(encoding="utf-8")
    return render(guide(text, version), path)
