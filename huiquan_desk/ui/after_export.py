"""After an export: open the file, open its folder, or print it — the small bar a page shows once a
file is written — and printing a PDF on paper.

「打印」 means paper. This Qt has no QtPdf (PySide6-Essentials), so a PDF is printed by rendering each
page with pypdfium2 (PDFium) at the printer's resolution (at most PRINT_DPI: sharp text, an A4 page
about 35 MB while it is painted) and painting it onto the QPrinter chosen in the system's print
dialog. The painting runs off the GUI thread in a `ui.tasks.Task` (Qt allows a QPainter on a QPrinter
in a worker thread), one page at a time, and can be cancelled (the print job is then aborted).

Two module functions stand between the program and the outside world, and tests replace them:
`open_location(path)` (the system's default program, QDesktopServices.openUrl) and
`ask_printer(parent, pages, landscape)` (the modal QPrintDialog).
"""

from __future__ import annotations

import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QRectF, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QImage, QPageLayout, QPainter
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QFrame, QHBoxLayout, QLabel, QPushButton, QToolButton, QWidget

from huiquan_desk.domain.errors import Cancelled, HuiquanError, Progress
from huiquan_desk.ui import messages
from huiquan_desk.ui.tasks import Task

PRINT_DPI = 300  # the most a page is rendered at for printing (a 600 dpi printer gets 300 dpi pages)
_PDFIUM = threading.Lock()  # PDFium is not thread-safe: one document open at a time


class CannotOpen(HuiquanError):
    title = "无法打开"


class CannotPrint(HuiquanError):
    title = "无法打印"


def open_location(path: Path) -> bool:
    """Open a file (or a folder) with the system's default program; False if nothing opened it.
    Every 打开 / 打开所在文件夹 goes through here. Tests replace this function."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def ask_printer(parent: QWidget | None, pages: int, landscape: bool) -> QPrinter | None:
    """The system's print dialog for a document of `pages` pages: the printer chosen, or None.
    Tests replace this function (with a QPrinter writing a PDF file)."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageOrientation(QPageLayout.Orientation.Landscape if landscape else QPageLayout.Orientation.Portrait)
    printer.setFromTo(1, pages)
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(dialog.tr("打印"))
    dialog.setMinMax(1, pages)
    return printer if dialog.exec() == QDialog.DialogCode.Accepted else None


def print_copy_path(stem: str) -> Path:
    """Where a ledger printed straight away is written first (a temporary folder, removed after)."""
    folder = Path(tempfile.gettempdir()) / "huiquan_desk-print"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{stem}.pdf"


def _open_pdf(path: Path):  # noqa: ANN202 - a pypdfium2 document
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(str(path))
    except (OSError, pdfium.PdfiumError) as err:
        raise CannotPrint(f"无法读取 {Path(path).name}：{err}。请重新导出后再打印。") from None


def pdf_outline(path: Path) -> tuple[int, bool]:
    """The number of pages of a PDF and whether its first page is landscape."""
    if not _PDFIUM.acquire(timeout=0.5):
        raise CannotPrint("另一份文件正在打印，请等它打完再打印。")
    try:
        pdf = _open_pdf(path)
        try:
            width, height = pdf[0].get_size() if len(pdf) else (0.0, 0.0)
            return len(pdf), width > height
        finally:
            pdf.close()
    finally:
        _PDFIUM.release()


def print_pdf(path: Path, printer: QPrinter, progress: Progress | None = None) -> int:
    """Paint the pages of the PDF `path` onto `printer` (all, or the range chosen in the print
    dialog), each rendered at the printer's resolution (at most PRINT_DPI) and fitted to the paper,
    centred. Returns the number of pages printed. Runs in a worker thread; `progress(done, total)`
    raises Cancelled after 取消, and the print job is aborted."""
    with _PDFIUM:
        pdf = _open_pdf(path)
        try:
            count = len(pdf)
            first, last = 1, count
            if printer.printRange() == QPrinter.PrintRange.PageRange and printer.fromPage() > 0:
                first, last = max(1, printer.fromPage()), min(count, printer.toPage() or count)
            pages = list(range(first - 1, last))
            dpi = min(printer.resolution(), PRINT_DPI)
            printer.setFullPage(True)  # the PDF has its own margins: paint on the whole sheet
            painter = QPainter()
            if not painter.begin(printer):
                raise CannotPrint("打印机没有准备好（未连接、缺纸或被占用）。请检查打印机后再试。")
            try:
                for done, index in enumerate(pages):
                    if progress is not None:
                        progress(done, len(pages))
                    if done and not printer.newPage():
                        raise CannotPrint("打印机在打印途中停止了，请检查打印机后再试。")
                    page = pdf[index]
                    try:
                        bitmap = page.render(scale=dpi / 72, prefer_bgrx=True, optimize_mode="print")
                        image = QImage(bitmap.buffer, bitmap.width, bitmap.height, bitmap.stride,
                                       QImage.Format.Format_RGB32)
                        painter.drawImage(_fitted(image, painter), image)
                        del image, bitmap  # the image reads the bitmap's memory: drop both together
                    finally:
                        page.close()
                if progress is not None:
                    progress(len(pages), len(pages))
            except Cancelled:
                printer.abort()
                raise
            finally:
                painter.end()
        finally:
            pdf.close()
    return len(pages)


def _fitted(image: QImage, painter: QPainter) -> QRectF:
    """The page image as large as the sheet allows, keeping its proportions, centred."""
    sheet = painter.viewport()
    scale = min(sheet.width() / image.width(), sheet.height() / image.height())
    width, height = image.width() * scale, image.height() * scale
    return QRectF(sheet.x() + (sheet.width() - width) / 2, sheet.y() + (sheet.height() - height) / 2, width, height)


def print_in_background(parent: QWidget, path: Path, done: Callable[[int], None] | None = None,
                        after: Callable[[], None] | None = None) -> Task | None:
    """打印…: the print dialog for the PDF `path`, then the pages painted off the GUI thread.
    `done(pages)` runs once they are sent to the printer; `after()` in every case (printed,
    cancelled in the dialog or while printing, failed) — e.g. to remove a temporary copy."""
    try:
        pages, landscape = pdf_outline(path)
        if not pages:
            raise CannotPrint(f"{path.name} 没有可以打印的页。")
    except HuiquanError as err:
        messages.show_error(parent, err)
        if after is not None:
            after()
        return None
    printer = ask_printer(parent, pages, landscape)
    if printer is None:
        if after is not None:
            after()
        return None

    def finished(printed: int) -> None:
        if done is not None:
            done(printed)
        if after is not None:
            after()

    def failed(error: BaseException) -> None:
        if after is not None:
            after()
        if not isinstance(error, Cancelled):
            messages.show_error(parent, error)

    return Task(parent, parent.tr("正在打印 {0}…").format(path.name), lambda progress: print_pdf(path, printer, progress),
                finished, failed)


class AfterExportBar(QFrame):
    """Under a page's table once a file is written: what was written, 打开 / 打开所在文件夹 / 打印…
    (a PDF only) and × to put it away. Also carries a short note with no file (`show_note`)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("afterExport")
        self.path: Path | None = None
        self.print_task: Task | None = None
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 4, 4)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.open_button = QPushButton(self.tr("打开"))
        self.open_button.setToolTip(self.tr("用电脑上的默认程序打开这个文件"))
        self.open_button.clicked.connect(self.open_file)
        self.folder_button = QPushButton(self.tr("打开所在文件夹"))
        self.folder_button.clicked.connect(self.open_folder)
        self.print_button = QPushButton(self.tr("打印…"))
        self.print_button.setToolTip(self.tr("选择打印机，把这个 PDF 打印出来"))
        self.print_button.clicked.connect(lambda: self.print_file())
        self.close_button = QToolButton()
        self.close_button.setText("×")
        self.close_button.setToolTip(self.tr("关闭这条提示"))
        self.close_button.setAutoRaise(True)
        self.close_button.clicked.connect(self.hide)
        layout.addWidget(self.message, 1)
        for widget in (self.open_button, self.folder_button, self.print_button, self.close_button):
            layout.addWidget(widget)
        self.setVisible(False)

    def show_file(self, path: Path, text: str) -> None:
        """Say `text` about the file `path` just written, with the buttons that act on it."""
        self.path = Path(path)
        self.message.setText(self.tr("{0}\n保存在：{1}").format(text, self.path))
        self.message.setToolTip(str(self.path))
        for button in (self.open_button, self.folder_button):
            button.setVisible(True)
        self.print_button.setVisible(self.path.suffix.lower() == ".pdf")
        self.setVisible(True)

    def show_note(self, text: str) -> None:
        """A sentence with no file to act on (e.g. what was printed)."""
        self.path = None
        self.message.setText(text)
        self.message.setToolTip("")
        for button in (self.open_button, self.folder_button, self.print_button):
            button.setVisible(False)
        self.setVisible(True)

    def open_file(self) -> bool:
        return self._open(self.path, self.tr("这个文件"))

    def open_folder(self) -> bool:
        return self._open(self.path.parent if self.path is not None else None, self.tr("所在文件夹"))

    def _open(self, target: Path | None, what: str) -> bool:
        if target is None:
            return False
        if open_location(target):
            return True
        messages.show_error(self, CannotOpen(self.tr("没有找到能打开{0}的程序。它在：{1}").format(what, target)))
        return False

    def print_file(self) -> Task | None:
        if self.path is None:
            return None
        self.print_task = print_in_background(self, self.path, self._printed)
        return self.print_task

    def _printed(self, pages: int) -> None:
        self.message.setText(self.tr("已把 {0} 页送往打印机：{1}").format(pages, self.path))
