"""The user guide PDF (exports.guide, from resources/guide/) and where it is kept (services.guide)."""

from __future__ import annotations

import os
import re

import pytest
from pypdf import PdfReader

from huiquan_desk import __version__
from huiquan_desk.exports.fonts import MissingGlyphError
from huiquan_desk.exports.guide import Part, guide_source, parse, write_guide_pdf
from huiquan_desk.exports.pdftext import PdfText
from huiquan_desk.paths import DataDir
from huiquan_desk.services.guide import LIBRARIES, about, guide_name, guide_pdf


def squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_the_markup() -> None:
    text = ("% a comment\n# 标题\n> 版本 {version}\n\n## 一、开始\n第一行\n第二行\n\n另一段：\n- 一项\n接着一项\n- 二项\n"
            "### 1. 小节\n正文")
    assert parse(text, "9.9") == [
        Part("title", "标题"), Part("subtitle", "版本 9.9"), Part("heading", "一、开始"),
        Part("paragraph", "第一行第二行"), Part("paragraph", "另一段："), Part("bullet", "一项接着一项"),
        Part("bullet", "二项"), Part("subheading", "1. 小节"), Part("paragraph", "正文"),
    ]


def test_the_guide_renders_in_a_few_pages_with_its_headings(tmp_path) -> None:
    text = guide_source().read_text(encoding="utf-8")
    parts = parse(text, __version__)
    engine = PdfText()
    for part in parts:  # every character has a glyph in the embedded fonts (render raises otherwise)
        engine.check(part.text, "用户指南")
    path = write_guide_pdf(tmp_path / "guide.pdf", __version__)
    reader = PdfReader(path)
    assert 3 <= len(reader.pages) <= 6
    extracted = squeezed("".join(page.extract_text() for page in reader.pages))
    headings = [part.text for part in parts if part.kind in ("title", "heading", "subheading")]
    assert len([h for h in headings if h.startswith(("一、", "二、", "三、", "四、", "五、", "六、"))]) == 6
    for heading in headings:
        assert squeezed(heading) in extracted, heading
    for topic in ("登记活动", "照片和签到表", "志愿服务登记", "导出台账", "备份与恢复", "登录和账号", "数据保存在哪里",
                  "检查时看什么"):
        assert topic in extracted, topic
    assert __version__ in extracted
    assert reader.metadata.title == "惠泉台账 用户指南" and __version__ in reader.metadata.subject


def test_a_character_no_font_has_stops_the_guide(tmp_path) -> None:
    with pytest.raises(MissingGlyphError) as raised:
        write_guide_pdf(tmp_path / "guide.pdf", "1.0", "# 指南\n正文里有一个没有字形的字：\U000f0000")
    assert "用户指南" in str(raised.value)
    assert list(tmp_path.iterdir()) == []  # no file, not even a partial one


def test_the_guide_is_kept_in_the_data_folders_logs_and_rewritten_only_when_stale(tmp_path) -> None:
    data = DataDir(tmp_path / "data")
    path = guide_pdf(data)
    assert path == data.logs / guide_name() and __version__ in path.name and path.is_file()
    written = path.stat().st_mtime_ns
    assert guide_pdf(data) == path and path.stat().st_mtime_ns == written  # fresh: not written again

    source_time = guide_source().stat().st_mtime
    os.utime(path, (source_time - 60, source_time - 60))  # older than the guide's text: written again
    assert guide_pdf(data) == path and path.stat().st_mtime >= source_time

    old = data.logs / guide_name("0.0.1")
    old.write_bytes(b"%PDF old guide")
    log = data.logs / "huiquan.log"
    log.write_text("kept", encoding="utf-8")
    assert guide_pdf(data, "9.9.9") == data.logs / guide_name("9.9.9")  # a new version: its own file …
    assert not old.exists() and not path.exists()  # … and the older guides this program wrote are gone
    assert log.read_text(encoding="utf-8") == "kept"  # anything else stays


def test_an_unwritable_logs_folder_falls_back_to_a_private_temporary_folder(tmp_path) -> None:
    data = DataDir(tmp_path / "data")
    data.root.mkdir()
    data.logs.write_text("not a folder", encoding="utf-8")
    path = guide_pdf(data)
    assert path.is_file() and tmp_path not in path.parents
    assert PdfReader(path).pages


def test_about_names_the_version_the_folder_and_the_licences(tmp_path) -> None:
    data = DataDir(tmp_path / "data")
    info = about(data)
    assert info.version == __version__ and info.data_folder == data.root
    assert info.python and info.sqlite.count(".") >= 2
    names = {path.name for path in info.licence_files}
    assert {"Apache-2.0.txt", "wqy-microhei.LICENSE.txt"} <= names
    assert "WenQuanYi" in info.font_licence_text
    licences = {lib.name.split()[0]: lib.licence for lib in info.libraries}
    assert licences["PySide6"].startswith("LGPL-3.0") and licences["SQLAlchemy"] == "MIT"
    assert licences["openpyxl"] == "MIT" and licences["ReportLab"].startswith("BSD") and licences["Pillow"] == "MIT-CMU"
    assert len(info.libraries) == len(LIBRARIES) and all(lib.version for lib in info.libraries)  # all installed here
