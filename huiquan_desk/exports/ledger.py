"""The declaration every printed ledger shares: title, columns, widths, formatters, rows."""

from __future__ import annotations

import glob
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from huiquan_desk.domain.errors import Progress, StorageError


@dataclass(frozen=True)
class Letterhead:
    """Who keeps the ledger, as every ledger prints it in its title and first header line: the
    community profile of the settings (社区名称, 所属街道/镇, 全宗号, 填表人)."""

    community: str = ""
    street: str = ""
    fonds_code: str = ""
    preparer: str = ""

    @property
    def unit(self) -> str:
        """惠泉镇惠泉社区 (the street only with a community name)."""
        return f"{self.street}{self.community}" if self.community else "（未设置社区名称）"

    def title(self, name: str) -> str:
        """惠泉社区活动台账."""
        return f"{self.community}{name}" if self.community else name

    def subtitle(self, *parts: str) -> str:
        """单位：惠泉镇惠泉社区    全宗号：0194    <parts>, four spaces apart."""
        head = [f"单位：{self.unit}"] + ([f"全宗号：{self.fonds_code}"] if self.fonds_code else [])
        return "    ".join([*head, *(p for p in parts if p)])


# Excel measures a column in character units (the width of a digit of the workbook's font): a CJK
# or full-width character takes 2, an ASCII one about 1 (exports.xlsx measures text by this), and a
# cell keeps CELL_PAD of its width as margins.
CJK_UNITS = 2
CELL_PAD = 0.5
NAME_CHARS = 4  # a name column holds a name of this many characters (欧阳娜娜, 司马相如) on one line


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[Any], object]  # row -> str or number, exactly as printed
    width: float = 10  # in Excel character units; the PDF scales them to the page
    align: str = "left"  # left / center / right
    min_chars: int = 0  # CJK characters that always fit on one line, in Excel and in the PDF

    @property
    def print_width(self) -> float:
        """`width`, widened so that `min_chars` CJK characters fit on one line in Excel."""
        return max(self.width, self.min_chars * CJK_UNITS + CELL_PAD) if self.min_chars else self.width


@dataclass(frozen=True)
class Cover:
    """A cover page printed before a ledger's table: a title and (label, value) lines, such as the
    归档文件目录's 全宗号, 全宗名称, 年度, 保管期限, 机构(问题). The PDF gives it a page of its own
    (without a page number), the workbook a sheet of its own named `sheet_name`, printed on one page."""

    title: str
    fields: tuple[tuple[str, str], ...]
    sheet_name: str = "封面"


@dataclass
class Ledger:
    title: str  # 惠泉社区活动台账
    subtitle: str  # 时间范围、类别 …
    columns: list[Column]
    rows: Iterable[Any]
    row_count: int
    describe: Callable[[Any], str] = str  # names a row in a message: 「清明祭英烈」(2026-04-04)
    numbered: bool = True  # a leading 序号 column
    signature: tuple[str, ...] = ("填表人", "审核人", "日期")
    preparer: str = ""  # printed after 填表人 when known
    landscape: bool = True
    sheet_name: str = "台账"
    notes: list[str] = field(default_factory=list)  # lines printed under the table
    cover: Cover | None = None  # a cover page before the table
    # A ledger printed in parts (one 归档文件目录 per series): each part is a ledger of its own, one
    # after another in the file, with its own cover, title, page numbers (第 N 页 共 M 页 counts
    # the part's pages), notes and signature, and its own sheets in the workbook (names unique).
    # The ledger holding them only names the file (title) and counts their rows (row_count); the
    # parts are printed on its page orientation (landscape).
    parts: list[Ledger] = field(default_factory=list)

    @property
    def headers(self) -> list[str]:
        return (["序号"] if self.numbered else []) + [c.header for c in self.columns]

    @property
    def widths(self) -> list[float]:
        """Excel column widths (Column.print_width); the PDF divides the page in the same proportions."""
        return ([5.0] if self.numbered else []) + [c.print_width for c in self.columns]

    @property
    def min_chars(self) -> list[int]:
        return ([0] if self.numbered else []) + [c.min_chars for c in self.columns]

    @property
    def aligns(self) -> list[str]:
        return (["center"] if self.numbered else []) + [c.align for c in self.columns]

    def table(self, progress: Progress | None = None) -> Iterator[tuple[Any, list[object]]]:
        """(row, printed cells) in order; calls progress every 200 rows."""
        for index, row in enumerate(self.rows, start=1):
            cells = [col.value(row) for col in self.columns]
            if self.numbered:
                cells.insert(0, index)
            if progress is not None and index % 200 == 0:
                progress(index, self.row_count)
            yield row, cells
        if progress is not None:
            progress(self.row_count, self.row_count)

    def signature_line(self) -> str:
        parts = []
        for label in self.signature:
            filled = self.preparer if label == "填表人" and self.preparer else ""
            parts.append(f"{label}：{filled or '            '}")
        return "        ".join(parts)


UMASK = os.umask(0o022)  # read once, at import (umask can only be read by setting it)
os.umask(UMASK)


def _discard(tmp: Path) -> None:
    """Remove a temporary file; failing to do so must not hide the error that got us here."""
    with suppress(OSError):
        tmp.unlink(missing_ok=True)


def sum_cell(value: float | None) -> int | float | str:
    """A number a spreadsheet can sum (19 rather than 19.0, 2.64 rounded to cents); blank when there is none."""
    if value is None:
        return ""
    return int(value) if float(value).is_integer() else round(value, 2)


# A temporary file beside an export that has not changed for this long was left by a run that was
# killed (power cut, kill -9). Exports write it at their end, well within this; only an export to the
# same file name started meanwhile, still running after this long, could lose its temporary file
# (its rename then fails with a message; nothing already saved is touched).
STALE_SECONDS = 15 * 60


def clear_stale(folder: Path, pattern: str) -> None:
    """Remove what killed runs left in `folder` matching `pattern` (hidden .part files, scratch
    folders), once nothing has touched them for STALE_SECONDS. Never fails an export."""
    now = time.time()
    for leftover in folder.glob(pattern):
        with suppress(OSError):
            if now - leftover.lstat().st_mtime < STALE_SECONDS:
                continue
            if leftover.is_dir() and not leftover.is_symlink():
                shutil.rmtree(leftover, ignore_errors=True)
            else:
                leftover.unlink()


@contextmanager
def atomic_output(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside `path`; rename it into place only if the block succeeds.

    A failed or cancelled export leaves no partial file (no `.part` file either, whatever fails
    from creating it onwards) and does not touch an existing one.
    """
    path = Path(path)
    tmp: Path | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        clear_stale(path.parent, f".{glob.escape(path.stem)}-{'?' * 8}{glob.escape(path.suffix)}.part")  # mkstemp's 8
        fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-", suffix=path.suffix + ".part")
        tmp = Path(tmp_name)
        os.close(fd)
    except OSError as err:
        if tmp is not None:
            _discard(tmp)
        raise StorageError(f"无法写入 {path.parent}：{err.strerror}。请换一个文件夹。") from err
    except BaseException:  # interrupted (kill, Ctrl-C) just as the temporary file was made
        if tmp is not None:
            _discard(tmp)
        raise
    try:
        yield tmp
        os.chmod(tmp, 0o666 & ~UMASK)  # as any new file of the user's (mkstemp made it private)
        os.replace(tmp, path)
    except OSError as err:
        _discard(tmp)
        raise StorageError(f"无法写入 {path}：{err.strerror}。请检查磁盘空间或换一个文件夹。") from err
    except BaseException:  # Cancelled, MissingGlyphError, … and KeyboardInterrupt alike
        _discard(tmp)
        raise
