"""The rules of DA/T 22-2015 filing as values (domain.archives): how a 档号 is written and read
back, what its parts may be, the catalogue's date and made-up titles, 件号 counting and boxes."""

from __future__ import annotations

from datetime import date

import pytest

from huiquan_desk.domain import archives as rules
from huiquan_desk.domain.archives import ArchivalCode


def test_archival_code_renders_exactly_as_the_standard_writes_it() -> None:
    assert str(ArchivalCode("0194", "WS", 2026, "D30", 1, "BGS")) == "0194-WS·2026-D30-BGS-0001"
    assert str(ArchivalCode("0194", "WS", 2026, "D30", 1)) == "0194-WS·2026-D30-0001"  # no 机构 part
    assert str(ArchivalCode("0194", "ZP", 2026, "Y", 123)) == "0194-ZP·2026-Y-0123"


@pytest.mark.parametrize("text", ["0194-WS·2026-D30-BGS-0001", "0194-WS·2026-D10-0042", "0194-ZP·2025-Y-9999"])
def test_a_code_reads_back_to_its_parts(text: str) -> None:
    assert str(ArchivalCode.parse(text)) == text


def test_typed_variants_of_the_middle_dot_are_read() -> None:
    assert str(ArchivalCode.parse(" 0194-ws•2026-d30-0001 ")) == "0194-WS·2026-D30-0001"
    assert str(ArchivalCode.parse("0194-WS.2026-D30-0001")) == "0194-WS·2026-D30-0001"


@pytest.mark.parametrize("text", ["0194-WS-2026-D30-0001", "194-WS·2026-D30-0001", "0194-WS·26-D30-0001",
                                  "0194-WS·2026-D20-0001", "0194-WS·2026-D30-1", "0194-WS·2026-D30-BGS-00001", ""])
def test_anything_else_is_not_a_code(text: str) -> None:
    with pytest.raises(ValueError, match="不是档号"):
        ArchivalCode.parse(text)


def test_parts_are_checked_and_every_problem_named() -> None:
    with pytest.raises(ValueError) as bad:
        ArchivalCode("19", "文书", 26, "D20", 0, "办公室")
    message = str(bad.value)
    for part in ("应为 4 位数字或大写字母", "门类代码", "年度 26", "保管期限「D20」", "件号 0", "如 BGS"):
        assert part in message
    assert rules.fonds_problem("") and "全宗号" in rules.fonds_problem("")
    assert rules.category_problem("WS") is None and "不在门类代码表中" in (rules.category_problem("XY") or "")
    assert rules.category_problem("XY", {"XY": "自定"}) is None
    assert rules.org_problem("") is None and rules.org_problem("BGS") is None


def test_catalogue_date_and_made_up_titles() -> None:
    assert rules.catalogue_date(date(2026, 3, 5)) == "20260305" and rules.catalogue_date(None) == ""
    assert rules.made_up_title("重阳节敬老活动照片") == "[重阳节敬老活动照片]"
    assert rules.made_up_title("[已加方括号]") == "[已加方括号]"


def test_numbers_never_go_back_nor_fill_a_gap_silently() -> None:
    assert rules.next_number(set()) == 1
    assert rules.next_number({1, 2, 4}) == 5  # 3 was removed: a recorded gap, not reused
    assert rules.next_number({1, 2}, typed=10) == 10
    assert rules.next_number({1, 2, 10}) == 11  # the hand-typed number moved the counter forward, once
    with pytest.raises(ValueError, match="已被使用"):
        rules.next_number({1, 2}, typed=2)
    with pytest.raises(ValueError, match="已到 9999"):
        rules.next_number({9999})


def test_boxes_never_mix_year_retention_or_org_and_spines_fit_the_pages() -> None:
    a = ArchivalCode("0194", "WS", 2026, "D30", 1)
    assert rules.box_key(a) == rules.box_key(ArchivalCode("0194", "WS", 2026, "D30", 7))
    assert rules.box_key(a) != rules.box_key(ArchivalCode("0194", "ZP", 2026, "D30", 1))  # photos apart
    assert rules.box_key(a) != rules.box_key(ArchivalCode("0194", "WS", 2025, "D30", 1))
    assert rules.box_key(a) != rules.box_key(ArchivalCode("0194", "WS", 2026, "Y", 1))
    assert rules.box_key(a) != rules.box_key(ArchivalCode("0194", "WS", 2026, "D30", 1, "BGS"))
    assert [rules.spine_width(p) for p in (1, 200, 201, 450, 600)] == [20, 20, 30, 50, 50]
