"""After an export: 打开 / 打开所在文件夹 / 打印…, and 打印 that really prints (ui.after_export).

Nothing is launched and no printer is needed: `after_export.open_location` is replaced by a recorder,
and `after_export.ask_printer` by a QPrinter writing a PDF file, which is then read back.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtGui import QPageLayout
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QPushButton

from huiquan_desk.domain.errors import Cancelled
from huiquan_desk.services import activities as svc
from huiquan_desk.ui import after_export
from tests.helpers import draft, wait_task

THIS_YEAR = datetime.now().year


@pytest.fixture
def opened(monkeypatch) -> list[Path]:  # type: ignore[no-untyped-def]
    """What 打开 / 打开所在文件夹 would have opened with the system's default program."""
    record: list[Path] = []
    monkeypatch.setattr(after_export, "open_location", lambda path: record.append(Path(path)) or True)
    return record


@pytest.fixture
def printers(monkeypatch, tmp_path) -> list[tuple[QPrinter, int, bool, Path]]:  # type: ignore[no-untyped-def]
    """The print dialog answered with a printer that writes a PDF file: (printer, pages, landscape, file)."""
    made: list[tuple[QPrinter, int, bool, Path]] = []

    def ask(parent, pages: int, landscape: bool) -> QPrinter:  # type: ignore[no-untyped-def]
        out = tmp_path / f"printed-{len(made)}.pdf"
        printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)  # 96 dpi: quick to render
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(out))
        printer.setPageOrientation(QPageLayout.Orientation.Landscape if landscape else QPageLayout.Orientation.Portrait)
        made.append((printer, pages, landscape, out))
        return printer

    monkeypatch.setattr(after_export, "ask_printer", ask)
    return made


def add(ws, n: int = 1, **changes) -> None:  # type: ignore[no-untyped-def]
    with ws.write() as s:
        for i in range(n):
            start = datetime(THIS_YEAR, 3, 5, 9) + timedelta(days=i)
            svc.create_activity(s, draft(s, start=start, end=start + timedelta(hours=2), **changes), ws.files)



def ink(pdf: Path) -> float:
    """The share of non-white pixels on the first page of `pdf` (a blank page has none)."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(pdf))
    try:
        image = document[0].render(scale=0.5).to_pil().convert("L")
    finally:
        document.close()
    histogram = image.histogram()
    return sum(histogram[:200]) / sum(histogram)


def test_pdf_export_offers_open_folder_and_print(window, ws, qtbot, tmp_path, opened, printers) -> None:
    add(ws, title="国庆升旗仪式")
    page = window.activities
    page.refresh()
    out = tmp_path / "台账.pdf"
    wait_task(qtbot, page.export("pdf", out))
    bar = page.after_export
    assert bar.isVisibleTo(page) and "台账.pdf" in bar.message.text()
    assert [b.text() for b in (bar.open_button, bar.folder_button, bar.print_button)] == ["打开", "打开所在文件夹", "打印…"]
    assert bar.print_button.isVisibleTo(page)
    bar.open_button.click()
    bar.folder_button.click()
    assert opened == [out, tmp_path]

    bar.print_button.click()  # the print dialog (replaced), then the pages painted in the background
    wait_task(qtbot, bar.print_task)
    (_printer, pages, landscape, printed) = printers[0]
    exported = PdfReader(out)
    assert pages == len(exported.pages) and landscape  # the ledger is A4 landscape
    on_paper = PdfReader(printed)
    assert len(on_paper.pages) == pages
    box = on_paper.pages[0].mediabox
    assert box.width > box.height  # printed landscape, as the ledger is
    assert ink(printed) > 0.005  # the page was really painted, not left blank
    assert "送往打印机" in bar.message.text()


def test_excel_export_has_no_print_button(window, ws, qtbot, tmp_path, opened) -> None:
    add(ws)
    page = window.activities
    page.refresh()
    wait_task(qtbot, page.export("xlsx", tmp_path / "台账.xlsx"))
    assert page.after_export.isVisibleTo(page)
    assert not page.after_export.print_button.isVisibleTo(page)
    page.after_export.open_button.click()
    assert opened == [tmp_path / "台账.xlsx"]
    page.after_export.close_button.click()
    assert not page.after_export.isVisibleTo(page)


def test_ctrl_p_prints_the_ledger_on_screen(window, ws, qtbot, printers) -> None:
    add(ws, 3, title="垃圾分类宣传")
    page = window.activities
    page.refresh()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    qtbot.keyClick(window, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: page.last_print is not None, timeout=30000)
    wait_task(qtbot, page.last_print)
    (_printer, pages, _landscape, printed) = printers[0]
    assert len(PdfReader(printed).pages) == pages >= 1 and ink(printed) > 0.005
    assert "已打印活动台账" in page.summary.text() and f"共 {pages} 页" in page.summary.text()
    assert page.last_export is None and not page.after_export.isVisibleTo(page)  # nothing was saved for the user
    assert not list(after_export.print_copy_path("x").parent.glob("活动台账*.pdf"))  # the temporary copy is gone


def test_print_dialog_cancelled_prints_nothing_and_leaves_nothing(window, ws, qtbot, monkeypatch) -> None:
    add(ws)
    asked = []
    monkeypatch.setattr(after_export, "ask_printer", lambda parent, pages, landscape: asked.append(pages))
    page = window.activities
    page.refresh()
    task = page.print_ledger()
    wait_task(qtbot, task)
    qtbot.waitUntil(lambda: bool(asked), timeout=5000)
    assert page.last_print is None
    assert not list(after_export.print_copy_path("x").parent.glob("活动台账*.pdf"))


def _three_pages(path: Path) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path), pagesize=A4)
    for number in range(1, 4):
        pdf.setFont("Helvetica", 120)
        pdf.drawString(200, 400, str(number))
        pdf.showPage()
    pdf.save()
    return path


def test_print_pdf_honours_the_page_range(app, tmp_path) -> None:
    source = _three_pages(tmp_path / "three.pdf")
    assert after_export.pdf_outline(source) == (3, False)
    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "two.pdf"))
    printer.setPrintRange(QPrinter.PrintRange.PageRange)
    printer.setFromTo(2, 3)
    seen = []
    assert after_export.print_pdf(source, printer, lambda done, total: seen.append((done, total))) == 2
    assert len(PdfReader(tmp_path / "two.pdf").pages) == 2
    assert seen == [(0, 2), (1, 2), (2, 2)]


def test_cancelled_printing_aborts_the_job(app, tmp_path) -> None:
    source = _three_pages(tmp_path / "three.pdf")

    class Watched(QPrinter):
        aborted = False

        def abort(self) -> bool:  # type: ignore[override]
            self.aborted = True
            return super().abort()

    printer = Watched(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "aborted.pdf"))

    def progress(done: int, total: int) -> None:
        if done == 1:
            raise Cancelled()

    with pytest.raises(Cancelled):
        after_export.print_pdf(source, printer, progress)
    assert printer.aborted  # the job is thrown away, not sent half-printed


@pytest.mark.expect_errors
def test_nothing_to_open_it_says_where_the_file_is(window, ws, qtbot, tmp_path, monkeypatch, shown) -> None:
    monkeypatch.setattr(after_export, "open_location", lambda path: False)
    add(ws)
    page = window.activities
    page.refresh()
    wait_task(qtbot, page.export("xlsx", tmp_path / "台账.xlsx"))
    assert page.after_export.open_file() is False
    assert isinstance(shown.errors[-1], after_export.CannotOpen) and str(tmp_path / "台账.xlsx") in str(shown.errors[-1])


def test_buttons_say_what_they_do(window) -> None:
    texts = {b.text() for b in window.activities.findChildren(QPushButton)}
    assert {"导出 Excel…", "导出 PDF…", "打印…"} <= texts and "打印 PDF…" not in texts
    window.go("volunteers")
    for page in (window.activities, window.volunteers, window.go("audit")):
        for button in page.findChildren(QPushButton):
            text = button.text()
            if ("Excel" in text or "PDF" in text) and "导入" not in text:
                assert text.startswith(("导出", "重新导出")), text  # a file is saved: 导出, not 打印
            if "打印" in text:
                assert text == "打印…", text  # only what really prints says 打印


def test_every_export_of_the_volunteer_and_audit_pages_offers_the_bar(window, ws, qtbot, tmp_path, opened) -> None:
    page = window.go("volunteers")
    wait_task(qtbot, page.export_roster("pdf", tmp_path / "花名册.pdf"))
    assert page.after_export.isVisibleTo(page) and page.after_export.print_button.isVisibleTo(page)
    page.after_export.folder_button.click()
    audit = window.go("audit")
    wait_task(qtbot, audit.export("xlsx", tmp_path / "操作日志.xlsx"))
    assert audit.after_export.isVisibleTo(audit) and "共" in audit.after_export.message.text()
    audit.after_export.open_button.click()
    assert opened == [tmp_path, tmp_path / "操作日志.xlsx"]


def test_an_issued_certificate_offers_open_and_print(window, ws, qtbot, tmp_path, monkeypatch) -> None:
    from huiquan_desk.services import service_hours, volunteers
    from huiquan_desk.ui import volunteers_page as module
    from huiquan_desk.ui.service_dialogs import CertificateDialog

    start = datetime.now().replace(microsecond=0, second=0) - timedelta(days=1)
    ws.operator = "陈晓燕"
    with ws.write() as s:
        vid = volunteers.create_volunteer(s, volunteers.VolunteerDraft(name="王堃", id_number="11010519491231002X"))
        aid = svc.create_activity(s, draft(s, start=start, end=start + timedelta(hours=2)), ws.files)
        service_hours.record_attendance(s, aid, {vid: 120}, "陈晓燕")

    class Filled(CertificateDialog):
        def exec(self) -> bool:  # type: ignore[override]
            for edit, text in ((self.issuer, "惠泉社区居民委员会"), (self.leader, "王堃"), (self.handler, "陈晓燕"),
                               (self.contact, "0591-87654321")):
                edit.setText(text)
            return self.issue(tmp_path / "证明.pdf")

    monkeypatch.setattr(module, "CertificateDialog", Filled)
    page = window.go("volunteers")
    page.reload()
    page.registry_view.selectRow(0)
    page.issue_certificate()
    bar = page.after_export
    assert bar.isVisibleTo(page) and bar.path == tmp_path / "证明.pdf" and bar.print_button.isVisibleTo(page)
