"""The 志愿服务记录证明 declared on exports.layout prints exactly as it did when drawn by hand:
its extracted text and page count are pinned, and page 1 is compared with a reference image."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from PIL import Image, ImageChops
from pypdf import PdfReader

from huiquan_desk.domain.errors import ValidationError
from huiquan_desk.exports.certificate import write_certificate_pdf
from huiquan_desk.services.certificates import CertificateInfo, IssuerInfo

REFERENCE = Path(__file__).resolve().parents[1] / "data" / "certificate_page1_50dpi.png"
INFO = CertificateInfo(
    id=1, number="（2026）志证第0001号", volunteer_id=1, name="朱镕基", gender="男", id_type="居民身份证",
    id_number="11010519491231002X", volunteer_number="ZY20260001", period_from=date(2026, 1, 1),
    period_to=date(2026, 12, 31), minutes=330, service_count=3,
    content="参加「学雷锋日义务理发」、「国庆升旗仪式」、「重阳节敬老爱老活动」志愿服务共 3 次",
    issuer=IssuerInfo("惠泉社区居民委员会", "王堃", "陶喆", "0591-12345678"), issued_on=date(2026, 11, 25),
    issued_by="陶喆")
TITLES = "「惠泉社区学雷锋志愿服务」、「清明祭英烈」、「垃圾分类入户宣传」、「重阳节敬老爱老活动」、"

# Captured from the hand-drawn certificate before it was re-expressed on the layout layer (pypdf).
TEXT = (
    "证明编号：（2026）志证第0001号\n志愿服务记录证明\n（一）志愿者身份信息\n 姓名\n朱镕基\n性别\n男\n"
    "证件类型及号码\n居民身份证\u300011010519491231002X\n志愿者编号\nZY20260001\n（二）志愿服务信息\n 证明时段\n"
    "2026年1月1日至2026年12月31日\n服务时长\n5.5 小时\n服务次数\n3 次\n服务内容\n"
    "参加「学雷锋日义务理发」、「国庆升旗仪式」、「重阳节敬老\n爱老活动」志愿服务共 3 次\n（三）出具单位信息\n"
    " 出具单位\n惠泉社区居民委员会\n负责人\n王堃\n（签字）\n经办人\n陶喆\n（签字）\n联系方式\n0591-12345678\n"
    "（四）其他\n 证明编号\n（2026）志证第0001号\n出具日期\n2026年11月25日\n兹证明以上志愿服务记录真实有效。\n"
    "特此证明。\n出具单位：惠泉社区居民委员会\n2026年11月25日\n（盖章）\n"
    "注：1. 本证明依据出具单位保存的志愿服务记录出具（谁记录谁证明），原始记录由出具单位保存备查。\n"
    " 2. 服务时长为志愿者实际提供志愿服务的时间，不含往返交通时间；本证明加盖出具单位印章后有效。\n"
    "3. 本证明载有志愿者身份证件号码，仅供证明志愿服务经历使用，请妥善保管，勿随意复印、转发。\n"
)
# A content long enough to push the closing block to page 2 (captured the same way).
PAGE_TWO = (
    "兹证明以上志愿服务记录真实有效。\n特此证明。\n出具单位：惠泉社区居民委员会\n2026年11月25日\n（盖章）\n"
    "注：1. 本证明依据出具单位保存的志愿服务记录出具（谁记录谁证明），原始记录由出具单位保存备查。\n"
    " 2. 服务时长为志愿者实际提供志愿服务的时间，不含往返交通时间；本证明加盖出具单位印章后有效。\n"
    "3. 本证明载有志愿者身份证件号码，仅供证明志愿服务经历使用，请妥善保管，勿随意复印、转发。\n"
    "第 2 页 共 2 页\n"
)


def pages_text(path: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(path).pages]


def test_text_and_page_count_are_unchanged(tmp_path: Path) -> None:
    out = write_certificate_pdf(INFO, "惠泉社区", tmp_path / "证明.pdf")
    reader = PdfReader(out)
    assert len(reader.pages) == 1
    assert reader.pages[0].extract_text() == TEXT
    assert reader.metadata.title == "志愿服务记录证明 （2026）志证第0001号"
    assert reader.metadata.author == "惠泉社区居民委员会"
    assert reader.metadata.subject == "朱镕基 志愿服务记录证明"


def test_a_long_content_runs_on_with_page_numbers(tmp_path: Path) -> None:
    info = replace(INFO, name="陶喆", content="参加" + TITLES * 6 + "等志愿服务共 24 次")
    pages = pages_text(write_certificate_pdf(info, "惠泉社区", tmp_path / "证明.pdf"))
    assert len(pages) == 2
    assert pages[0].endswith("第 1 页 共 2 页\n") and "（四）其他" in pages[0] and "特此证明" not in pages[0]
    assert pages[1] == PAGE_TWO


def test_a_very_long_content_runs_to_three_pages_and_too_long_stops(tmp_path: Path) -> None:
    pages = pages_text(write_certificate_pdf(replace(INFO, content="参加" + TITLES * 55), "", tmp_path / "a.pdf"))
    assert [p.rstrip().rsplit("\n", 1)[-1] for p in pages] == [f"第 {n} 页 共 3 页" for n in (1, 2, 3)]
    with pytest.raises(ValidationError) as err:
        write_certificate_pdf(replace(INFO, content="参加" + TITLES * 200), "", tmp_path / "b.pdf")
    assert str(err.value) == "「服务内容」：太长，一页印不下，请精简后再出具证明"
    assert not (tmp_path / "b.pdf").exists()


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) is not installed")
def test_page_one_looks_as_before(tmp_path: Path) -> None:
    out = write_certificate_pdf(INFO, "惠泉社区", tmp_path / "证明.pdf")
    subprocess.run(["pdftoppm", "-r", "50", "-gray", "-png", "-f", "1", "-l", "1", "-singlefile", str(out),
                    str(tmp_path / "page")], check=True)
    page = Image.open(tmp_path / "page.png").convert("L")
    reference = Image.open(REFERENCE).convert("L")
    assert page.size == reference.size
    diff = ImageChops.difference(page, reference)
    histogram = diff.histogram()
    pixels = page.size[0] * page.size[1]
    # Anti-aliasing (another poppler) shades edge pixels a little differently; two missing
    # characters change some 65 pixels by a quarter of the range or more, a block moved by one
    # pixel several hundred. The same rendering differs nowhere.
    strong = sum(histogram[64:])
    mean = sum(value * count for value, count in enumerate(histogram)) / pixels
    assert strong <= 40, (strong, diff.getbbox())
    assert mean < 0.5, mean
