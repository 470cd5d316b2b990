"""The document layout layer (exports.layout): pages, blocks kept whole, 「第 N 页 共 M 页」, the
seal place and signature line, and the export rules (no missing glyph, no partial file)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from huiquan_desk.domain.errors import Cancelled, ValidationError
from huiquan_desk.exports.fonts import MissingGlyphError
from huiquan_desk.exports.layout import (
    BlockTooTallError,
    Document,
    Frame,
    Group,
    Heading,
    LabelValue,
    Page,
    PageNumbers,
    Paragraph,
    SealPlace,
    SignatureLine,
    SignOff,
    Spacer,
    Title,
    fit_one_page,
    fitting_size,
    page_count,
    render,
)

FILLER = "惠泉社区志愿者在重阳节走访辖区独居老人，帮助打扫卫生、测量血压并宣传防诈骗知识。"


def pages_text(path: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(path).pages]


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def numbered_paragraphs(count: int) -> list[Paragraph]:
    """Paragraphs of 1 to 9 lines, each marked at its start and end."""
    return [Paragraph(f"【第{i:02d}段起】" + FILLER * (1 + i % 7) + f"【第{i:02d}段止】", indent=24, space_after=6)
            for i in range(count)]


def test_pagination_keeps_blocks_whole_and_numbers_the_pages(tmp_path: Path) -> None:
    document = Document(blocks=[Title("惠泉社区志愿服务情况说明"), *numbered_paragraphs(30)], title="说明")
    out = render(document, tmp_path / "说明.pdf")
    pages = pages_text(out)
    total = len(pages)
    assert total == page_count(document) and total >= 3
    for n, page in enumerate(pages, start=1):
        assert page.rstrip().endswith(f"第 {n} 页 共 {total} 页"), page[-40:]
    for i in range(30):  # every paragraph starts and ends on the same page, once, in order
        where = [n for n, page in enumerate(pages) if f"【第{i:02d}段起】" in flat(page)]
        assert len(where) == 1 and f"【第{i:02d}段止】" in flat(pages[where[0]]), i
    assert flat("".join(pages)).index("【第00段起】") < flat("".join(pages)).index("【第29段起】")
    assert "惠泉社区志愿服务情况说明" in pages[0]
    box = PdfReader(out).pages[0].mediabox
    assert round(float(box.width)) == 595 and round(float(box.height)) == 842  # A4 portrait


def test_page_numbers_when_several_and_never(tmp_path: Path) -> None:
    one = Document(blocks=[Paragraph("只有一页。")], page_numbers=PageNumbers(when="several"))
    assert "第 1 页" not in pages_text(render(one, tmp_path / "a.pdf"))[0]
    always = Document(blocks=[Paragraph("只有一页。")])
    assert "第 1 页 共 1 页" in pages_text(render(always, tmp_path / "b.pdf"))[0]
    none = Document(blocks=numbered_paragraphs(30), page_numbers=None)
    assert not any("共" in page for page in pages_text(render(none, tmp_path / "c.pdf")))
    several = Document(blocks=numbered_paragraphs(30), page_numbers=PageNumbers(when="several"))
    pages = pages_text(render(several, tmp_path / "d.pdf"))
    assert len(pages) > 1 and f"第 1 页 共 {len(pages)} 页" in pages[0]


def test_a_heading_goes_with_the_block_after_it_and_a_group_stays_together(tmp_path: Path) -> None:
    page = Page()
    body = page.height - page.margins.top - page.margins.bottom
    document = Document(page=page, page_numbers=None, blocks=[
        Spacer(height=body - 60),
        Heading("二、服务情况"),  # fits under the spacer, its paragraph does not: both go on
        Paragraph(FILLER * 3),
        Spacer(height=body - 140),
        Group([Paragraph("兹证明以上情况属实。"), Paragraph("特此证明。"), SignOff(("惠泉社区居民委员会", "2026年12月1日"))]),
    ])
    pages = pages_text(render(document, tmp_path / "a.pdf"))
    assert len(pages) == 3
    assert pages[0].strip() == ""
    assert "二、服务情况" in pages[1] and flat(FILLER) in flat(pages[1])
    assert "特此证明" in pages[2] and "2026年12月1日" in pages[2] and "兹证明" in pages[2]


def test_a_block_taller_than_a_page_stops_with_a_chinese_message_and_leaves_no_file(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    document = Document(blocks=[Title("说明"), LabelValue(("服务内容", FILLER * 200))], overflow_advice="请精简后重试")
    with pytest.raises(BlockTooTallError) as err:
        render(document, folder / "说明.pdf")
    assert isinstance(err.value, ValidationError)
    assert [p.field for p in err.value.problems] == ["服务内容"]
    assert str(err.value) == "「服务内容」：太长，一页印不下，请精简后重试"
    assert list(folder.iterdir()) == []
    with pytest.raises(ValidationError, match="「正文」：太长，一页印不下"):
        page_count(Document(blocks=[Paragraph(FILLER * 300)]))


def test_a_missing_glyph_names_the_record_and_leaves_an_existing_file_alone(tmp_path: Path) -> None:
    out = tmp_path / "公示.pdf"
    out.write_bytes(b"old")
    document = Document(record="公示（2026年度优秀志愿者）",
                        blocks=[Title("公示"), Paragraph("拟表彰：王堃、陶喆。"), SignatureLine(("负责人", ("经办人", "𠀾人")))])
    with pytest.raises(MissingGlyphError) as err:
        render(document, out)
    assert "公示（2026年度优秀志愿者）" in str(err.value) and "U+2003E" in str(err.value)
    assert out.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["公示.pdf"]  # no .part file either


def test_cancelling_leaves_no_file(tmp_path: Path) -> None:
    calls: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> None:
        calls.append((done, total))
        if done == 2:
            raise Cancelled

    with pytest.raises(Cancelled):
        render(Document(blocks=numbered_paragraphs(30)), tmp_path / "a.pdf", progress)
    assert list(tmp_path.iterdir()) == [] and calls[0] == (1, calls[0][1]) and calls[0][1] >= 3


def test_seal_place_signature_line_and_sign_off(tmp_path: Path) -> None:
    document = Document(
        page=Page(landscape=True, frame=Frame()), title="督办单", author="惠泉社区居民委员会", subject="督办",
        blocks=[
            Title("督 办 单", size=20, letter_spacing=4),
            LabelValue((("事项", "楼道堆物清理"), ("期限", "2026年12月10日"))),
            LabelValue(("办理情况", ""), sign="（签字）"),
            SignatureLine(("负责人", ("经办人", "陶喆"), "日期")),
            SealPlace(label="（盖章）", space_before=6),
            SignOff(("惠泉社区居民委员会", "2026年12月1日"), seal=SealPlace(label="（公章）")),
        ])
    out = render(document, tmp_path / "督办单.pdf")
    reader = PdfReader(out)
    text = reader.pages[0].extract_text()
    squeezed = flat(text)
    assert "督办单" in squeezed and "事项楼道堆物清理" in squeezed and "期限2026年12月10日" in squeezed
    assert "（签字）" in text and "（盖章）" in text and "（公章）" in text
    assert "负责人：" in text and "经办人：陶喆" in squeezed and "日期：" in text
    assert "惠泉社区居民委员会" in text and "2026年12月1日" in text
    box = reader.pages[0].mediabox
    assert float(box.width) > float(box.height)  # landscape
    assert (reader.metadata.title, reader.metadata.author, reader.metadata.subject) == (
        "督办单", "惠泉社区居民委员会", "督办")


def test_every_character_prints_with_fallback_and_wrapping_loses_nothing(tmp_path: Path) -> None:
    long_title = "关于惠泉社区二〇二六年度优秀志愿者及志愿服务先进集体评选结果的公示"
    body = "拟表彰∰王堃、陶喆、朱镕基等同志。" + FILLER * 4  # ∰ only in a fallback font
    document = Document(blocks=[Title(long_title, letter_spacing=8), Paragraph(body, indent=24, left_indent=12),
                                Paragraph("右对齐", align="right"), Paragraph("居中", align="center")])
    text = pages_text(render(document, tmp_path / "a.pdf"))[0]
    assert flat(long_title) in flat(text) and flat(body) in flat(text)
    assert "右对齐" in text and "居中" in text


def test_fit_one_page_and_fitting_size() -> None:
    def declared(size: float) -> Document:
        return Document(blocks=[Paragraph(FILLER * 40, size=size)])

    made: list[float] = []

    def candidates():  # type: ignore[no-untyped-def]
        for size in (14.0, 12.0, 9.0, 6.0):
            made.append(size)
            yield declared(size)

    chosen = fit_one_page(candidates())
    assert page_count(chosen) == 1 and chosen.blocks[0].size == 9.0  # type: ignore[attr-defined]
    assert made == [14.0, 12.0, 9.0]  # declared lazily
    assert fit_one_page([declared(14.0), declared(20.0)]).blocks[0].size == 20.0  # type: ignore[attr-defined]
    assert fitting_size(FILLER, 200, (12.0, 10.0, 8.0), 50.0) == 10.0  # 3 lines × 18 at 12, 2 × 15 at 10
    assert fitting_size(FILLER, 200, (12.0, 10.0, 8.0), 54.0) == 12.0
    assert fitting_size(FILLER * 9, 200, (12.0, 10.0), 20.0) == 10.0  # none fits: the last
    with pytest.raises(MissingGlyphError, match="某证明"):
        fitting_size("𠀾", 200, (12.0,), 20.0, record="某证明")
