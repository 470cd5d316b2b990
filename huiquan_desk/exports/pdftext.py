"""Text on a reportlab canvas: width measuring, wrapping and drawing with per-character font
fallback, under the rule of exports.fonts that no character may silently vanish.

Shared by the ledger writer (exports.pdf) and the document layout layer (exports.layout), on which
the certificate and the other documents that are not tables are declared.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from huiquan_desk.exports.fonts import PRIMARY, MissingGlyphError, fonts, invisible

# Punctuation that must not begin a line (it stays at the end of the line before).
NO_LINE_START = frozenset("，。、；：？！）》」』”’…%,.;:?!)]}")
# Marks that join ASCII letters and digits into one run, which a line does not break inside
# (20/4, 3-2-401, 2026-03-05, 9:30, v1.2) unless the run alone is wider than the line.
RUN_JOINERS = frozenset("/-.:")


def _alnum(char: str) -> bool:
    return char.isascii() and char.isalnum()


def _joined(text: str, k: int) -> bool:
    """Whether text[k - 1] and text[k] belong to one run (no line break between them)."""
    before, char = text[k - 1], text[k]
    if _alnum(before):
        return _alnum(char) or (char in RUN_JOINERS and k + 1 < len(text) and _alnum(text[k + 1]))
    return before in RUN_JOINERS and _alnum(char) and k >= 2 and _alnum(text[k - 2])


def run_start(text: str, cut: int, line_start: int) -> int:
    """`cut`, or if it falls inside a run of letters and digits, where that run begins (not before
    `line_start`: a run that fills the line from its start is wider than the line)."""
    while cut > line_start and _joined(text, cut):
        cut -= 1
    return cut


class PdfText:
    """Width measuring, wrapping and drawing with per-character font fallback.

    Call `check(text, record)` on every string before drawing it: it picks a fallback font for
    a character the primary font lacks, or raises MissingGlyphError naming the record.
    """

    def __init__(self) -> None:
        self.fontset = fonts()
        self.primary = self.fontset.coverage[0]
        self.widths: dict[str, float] = {}
        self.fallback: dict[str, str] = {}  # char -> font name, for chars the primary lacks
        self._wrapped: dict[tuple[str, float, float, bool], list[str]] = {}

    def width(self, char: str) -> float:
        w = self.widths.get(char)
        if w is None:
            if ord(char) in self.primary or invisible(char):
                w = stringWidth(char, PRIMARY, 1.0)
            else:
                w = stringWidth(char, self.fallback[char], 1.0)
            self.widths[char] = w
        return w

    def check(self, text: str, record: str) -> None:
        primary = self.primary
        for char in text:
            if ord(char) not in primary and not invisible(char) and char not in self.fallback:
                name = self.fontset.font_for(char)
                if name is None:
                    raise MissingGlyphError(record, char)
                self.fallback[char] = name

    def wrap(self, text: str, width: float, size: float, hang: bool = True) -> list[str]:
        """Lines of `text` no wider than `width`. Punctuation never begins a line: with `hang` one
        mark may stay at the end of the line before, past the width; a second one, or any one
        without `hang` (for text inside a drawn frame), takes the character before it down to the
        next line. A run of ASCII letters and digits, also joined by / - . : (20/4, 3-2-401,
        2026-03-05), goes to the next line whole, unless it is wider than a line by itself. Only a
        line of nothing but punctuation, or of one such run, breaks before a mark, so that no line
        is ever more than one character wider than `width`."""
        key = (text, width, size, hang)
        cached = self._wrapped.get(key)
        if cached is not None:  # short columns (category, leader, status …) repeat row after row
            return cached
        lines = self._wrap(text, width, size, hang)
        if len(text) <= 40:
            self._wrapped[key] = lines
        return lines

    def _wrap(self, text: str, width: float, size: float, hang: bool) -> list[str]:
        limit = width / size
        if "\n" not in text and "\r" not in text and "\t" not in text:
            widths = self.width
            if sum(widths(c) for c in text) <= limit:
                return [text.rstrip()]  # fits on one line: the common case
        lines: list[str] = []
        for paragraph in text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ").split("\n"):
            line_start, used, last_space = 0, 0.0, -1
            for i, char in enumerate(paragraph):
                w = self.width(char)
                if used + w > limit and i > line_start:
                    if char not in NO_LINE_START:
                        cut = last_space + 1 if last_space >= line_start and char != " " and char.isascii() else i
                        if cut <= line_start:
                            cut = i
                    elif hang and used <= limit:
                        cut = -1  # the first mark past the width hangs
                    else:
                        cut = i - 1
                        while cut > line_start and paragraph[cut] in NO_LINE_START:
                            cut -= 1
                        if cut <= line_start or run_start(paragraph, cut, line_start) <= line_start:
                            cut = i  # a line of nothing but punctuation or one run: break before this mark
                    if cut > line_start:
                        whole = run_start(paragraph, cut, line_start)
                        if whole > line_start:  # the run goes down whole
                            cut = whole
                        lines.append(paragraph[line_start:cut].rstrip())
                        line_start = cut
                        used = sum(self.width(c) for c in paragraph[line_start:i])
                        last_space = -1
                if char == " ":
                    last_space = i
                used += w
            lines.append(paragraph[line_start:].rstrip())
        return lines or [""]

    def draw(self, canvas: Canvas, x: float, y: float, text: str, size: float, mode: int | None = None,
             char_space: float = 0.0) -> None:
        """Draw `text` (already checked); `mode` 2 (fill and stroke) gives a bold look;
        `char_space` adds that many points after every character (a spaced-out title)."""
        if not self.fallback or not any(c in self.fallback for c in text):
            canvas.setFont(PRIMARY, size)
            canvas.drawString(x, y, text, mode=mode, charSpace=char_space)
            return
        for font, run in self._runs(text):
            canvas.setFont(font, size)
            canvas.drawString(x, y, run, mode=mode, charSpace=char_space)
            x += stringWidth(run, font, size) + char_space * len(run)

    def draw_lines(self, canvas: Canvas, lines: Iterable[tuple[float, float, str]], size: float) -> None:
        """Draw many (x, y, text), all checked and of one size, as one PDF text object: the same
        output as draw() for each, at a fraction of its cost per line (a table's hot path)."""
        obj = canvas.beginText()
        obj.setFont(PRIMARY, size)
        current = PRIMARY
        fallback = self.fallback
        for x, y, text in lines:
            if not fallback or not any(c in fallback for c in text):
                if current != PRIMARY:
                    obj.setFont(PRIMARY, size)
                    current = PRIMARY
                obj.setTextOrigin(x, y)
                obj._textOut(text)
                continue
            for font, run in self._runs(text):
                if font != current:
                    obj.setFont(font, size)
                    current = font
                obj.setTextOrigin(x, y)
                obj._textOut(run)
                x += stringWidth(run, font, size)
        canvas.drawText(obj)

    def _runs(self, text: str) -> Iterator[tuple[str, str]]:
        """(font, run) of `text` split where the font changes."""
        run, run_font = "", PRIMARY
        for char in text:
            font = self.fallback.get(char, PRIMARY)
            if font != run_font and run:
                yield run_font, run
                run = ""
            run_font = font
            run += char
        if run:
            yield run_font, run

    def text_width(self, text: str, size: float) -> float:
        return sum(self.width(c) for c in text) * size
