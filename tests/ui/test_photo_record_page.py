"""The activities page's 导出图片记录…: the photo record of the filters on screen, PDF or folder."""

from __future__ import annotations

from datetime import datetime

from pypdf import PdfReader

from huiquan_desk.domain.activity import NewAttachment, PhotoCaption
from huiquan_desk.services import activities
from huiquan_desk.ui.activities_page import ActivitiesPage
from tests.helpers import draft, make_image


def test_photo_record_from_the_page(app, qtbot, ws, tmp_path) -> None:
    with ws.write() as s:
        for n, colour in enumerate(("red", "blue")):
            photo = NewAttachment(str(make_image(tmp_path / "src" / f"p{n}.jpg", colour, (400, 300))),
                                  caption=PhotoCaption(title=f"活动现场{n}", people="王堃"))
            activities.create_activity(s, draft(s, title=f"重阳节敬老活动{n}", start=datetime(2026, 10, 18 + n, 9),
                                                end=datetime(2026, 10, 18 + n, 11)), ws.files, [photo])
    page = ActivitiesPage(ws)
    qtbot.addWidget(page)
    page.date_from.setDate(page.date_from.date().addYears(-5))
    pdf = tmp_path / "图片记录.pdf"
    task = page.export_photos("pdf", pdf)
    with qtbot.waitSignal(task.done, timeout=30000):
        pass
    text = "".join(p.extract_text() for p in PdfReader(pdf).pages)
    assert "活动图片记录" in text and "重阳节敬老活动0" in text and "重阳节敬老活动1" in text and "王堃" in text
    assert page.after_export.isVisible() or page.after_export.path == pdf
    folder = tmp_path / "照片"
    task = page.export_photos("folder", folder)
    with qtbot.waitSignal(task.done, timeout=30000):
        pass
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["2026-10-18_重阳节敬老活动0_01.jpg", "2026-10-18_重阳节敬老活动0_01.txt",
                     "2026-10-19_重阳节敬老活动1_01.jpg", "2026-10-19_重阳节敬老活动1_01.txt"]
