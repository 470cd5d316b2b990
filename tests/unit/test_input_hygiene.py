"""Input hygiene on every text and date path, with real input against a real workspace.

1. Invisible direction marks (U+202A–U+202E, U+2066–U+2069) are removed at input (text.clean).
2. A lone surrogate or a NUL is refused with the field's name, never a traceback.
3. Every free-text field has a length limit, named with the field.
4. Dates outside 1949–2100 (birth dates: 1880 on) are refused with the field's name.
5. A file with 200,000 bad rows gives a summary, not megabytes of messages, and writes nothing.
"""

from __future__ import annotations

import itertools
import os
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from huiquan_desk.domain.activity import NewAttachment, PhotoCaption
from huiquan_desk.domain.dates import parse_date, parse_datetime
from huiquan_desk.domain.errors import Problem, ValidationError
from huiquan_desk.domain.text import DIRECTION_MARKS, clean, text_problem
from huiquan_desk.services import activities, categories, certificates, service_hours, settings
from huiquan_desk.services import volunteers as vsvc
from huiquan_desk.services.activity_import import import_activities
from huiquan_desk.services.volunteer_import import import_volunteers
from huiquan_desk.storage.models import (
    Activity,
    Attachment,
    Category,
    Certificate,
    Commendation,
    Evaluation,
    ServiceRecord,
    Setting,
    Team,
    Training,
    Volunteer,
)
from tests.helpers import draft, make_image, write_book
from tests.volunteer_helpers import KNOWN_FEMALE, make_id

SURROGATE = "王\ud800伟"
NUL = "王\x00伟"
MARKED = "\u202e王\u2066伟\u202c"  # prints reversed in a viewer that honours the marks; stored as 王伟


# ---------------------------------------------------------------- the normalizer and the rules


@pytest.mark.parametrize("mark", [chr(c) for c in DIRECTION_MARKS])
def test_clean_removes_every_direction_mark(mark: str) -> None:
    assert clean(f" {mark}王{mark}伟{mark} ") == "王伟"
    assert clean(clean(f"王{mark}伟")) == "王伟"


def test_direction_marks_are_exactly_the_nine_bidi_controls() -> None:
    assert sorted(DIRECTION_MARKS) == [0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069]
    assert clean("a\u200eb\u200fc") == "a\u200eb\u200fc"  # LRM / RLM are not embeddings: left alone


def test_a_mark_between_a_letter_and_its_accent_is_removed_before_nfc() -> None:
    assert clean("e\u202a\u0301") == "\u00e9"


@pytest.mark.parametrize("value,position", [(SURROGATE, 2), (NUL, 2), ("\udfff", 1), ("王伟\x00", 3)])
def test_unsavable_characters_are_refused_saying_where(value: str, position: int) -> None:
    why = text_problem(value, 50)
    assert why is not None and "无法保存的字符" in why and f"第 {position} 个字符" in why


def test_length_limit_message_names_the_limit() -> None:
    assert text_problem("字" * 50, 50) is None
    assert text_problem("字" * 51, 50) == "不能超过 50 个字（现在是 51 个字）"


# ---------------------------------------------------------------- every text path (rules 1–3)


@pytest.fixture
def ctx(ws, tmp_path):  # type: ignore[no-untyped-def]
    """A volunteer who served at an activity with one photo: what the record paths need."""
    photo = make_image(tmp_path / "会场.png")
    with ws.write() as s:
        activity_id = activities.create_activity(s, draft(s), ws.files, [NewAttachment(str(photo))])
        volunteer_id = vsvc.create_volunteer(s, vsvc.VolunteerDraft(name="林秀英", id_number=KNOWN_FEMALE,
                                                                     registered_on=date(2026, 3, 5)))
        service_hours.add_supplement(s, supplement(volunteer_id), "王堃", at=datetime(2026, 6, 2, 9))
        attachment_id = s.scalar(select(Attachment.id))
        category_id = first_child_category(s)
        team_id = s.scalar(select(Team.id))
    return {"activity": activity_id, "volunteer": volunteer_id, "attachment": attachment_id, "photo": photo,
            "category": category_id, "team": team_id, "seq": itertools.count(100)}


def supplement(volunteer_id: int, **changes: object) -> service_hours.SupplementDraft:
    values: dict[str, object] = dict(volunteer_id=volunteer_id, service_date=date(2026, 6, 1), minutes=120,
                                     title="社区环境整治", reason="签到表遗漏")
    values.update(changes)
    return service_hours.SupplementDraft(**values)  # type: ignore[arg-type]


def issuer(**changes: str) -> certificates.IssuerInfo:
    values = dict(name="惠泉社区居民委员会", leader="林秀英", handler="陈晓燕", contact="0591-87654321")
    values.update(changes)
    return certificates.IssuerInfo(**values)


def first_child_category(s) -> int:  # type: ignore[no-untyped-def]
    return s.scalar(select(Category.id).where(Category.parent_id.is_not(None)).order_by(Category.id).limit(1))


def latest(s, column):  # type: ignore[no-untyped-def]
    model = column.class_
    return s.scalar(select(column).order_by(model.id.desc()).limit(1))


def rows(s, model) -> int:  # type: ignore[no-untyped-def]
    return s.scalar(select(func.count()).select_from(model))


def new_activity(s, ws, ctx, **changes):  # type: ignore[no-untyped-def]
    activities.create_activity(s, draft(s, **changes), ws.files)


def new_photo(s, ws, ctx, **caption):  # type: ignore[no-untyped-def]
    activities.create_activity(s, draft(s), ws.files, [NewAttachment(str(ctx["photo"]), caption=PhotoCaption(**caption))])


def edit_caption(s, ws, ctx, **caption):  # type: ignore[no-untyped-def]
    detail = activities.get_activity(s, ctx["activity"], ws.files)
    activities.update_activity(s, ctx["activity"], detail.draft(), ws.files,
                               captions={ctx["attachment"]: PhotoCaption(**caption)})


def new_volunteer(s, ws, ctx, **changes):  # type: ignore[no-untyped-def]
    values = dict(name="陈建国", id_number=make_id(date(1980, 1, 1), next(ctx["seq"])), registered_on=date(2026, 3, 5))
    values.update(changes)
    vsvc.create_volunteer(s, vsvc.VolunteerDraft(**values))


def issue(s, ws, ctx, issued_by: str = "王堃", **changes):  # type: ignore[no-untyped-def]
    certificates.issue_certificate(s, ctx["volunteer"], date(2026, 1, 1), date(2026, 6, 30), issuer(**changes),
                                   issued_by, issued_on=date(2026, 7, 1))


def profile(**changes: str) -> settings.CommunityProfile:
    values = dict(name="惠泉社区", street="惠泉镇", leader="林秀英", preparer="陈晓燕")
    values.update(changes)
    return settings.CommunityProfile(**values)


def profile_value(key: str) -> Callable:  # type: ignore[type-arg]
    return lambda s: settings.get_setting(s, settings.PROFILE_OPTIONS[key])


@dataclass(frozen=True)
class TextPath:
    id: str
    label: str  # the field's name in every message
    limit: int
    write: Callable  # type: ignore[type-arg]  # (session, ws, ctx, text) -> None
    stored: Callable  # type: ignore[type-arg]  # (session) -> the value as saved
    model: type | None = None  # its table: the row count must not move when a write is refused


PATHS = [
    # the activity form (and the import, which validates through the same rules)
    TextPath("activity.title", "活动名称", 200, lambda s, w, c, t: new_activity(s, w, c, title=t),
             lambda s: latest(s, Activity.title), Activity),
    TextPath("activity.place", "活动地点", 200, lambda s, w, c, t: new_activity(s, w, c, place=t),
             lambda s: latest(s, Activity.place), Activity),
    TextPath("activity.organizer", "主办单位", 200, lambda s, w, c, t: new_activity(s, w, c, organizer=t),
             lambda s: latest(s, Activity.organizer), Activity),
    TextPath("activity.leader", "负责人", 100, lambda s, w, c, t: new_activity(s, w, c, leader=t),
             lambda s: latest(s, Activity.leader), Activity),
    TextPath("activity.content", "活动内容", 20000, lambda s, w, c, t: new_activity(s, w, c, content=t),
             lambda s: latest(s, Activity.content), Activity),
    TextPath("activity.remarks", "备注", 20000, lambda s, w, c, t: new_activity(s, w, c, remarks=t),
             lambda s: latest(s, Activity.remarks), Activity),
    # photo captions, on a new photo and edited later
    TextPath("caption.title", "照片题名", 200, lambda s, w, c, t: new_photo(s, w, c, title=t),
             lambda s: latest(s, Attachment.caption_title), Attachment),
    TextPath("caption.place", "照片地点", 200, lambda s, w, c, t: new_photo(s, w, c, place=t),
             lambda s: latest(s, Attachment.caption_place), Attachment),
    TextPath("caption.people", "照片人物", 2000, lambda s, w, c, t: new_photo(s, w, c, people=t),
             lambda s: latest(s, Attachment.caption_people), Attachment),
    TextPath("caption.photographer", "照片摄影者", 50, lambda s, w, c, t: new_photo(s, w, c, photographer=t),
             lambda s: latest(s, Attachment.caption_photographer), Attachment),
    TextPath("caption.background", "照片背景", 20000, lambda s, w, c, t: new_photo(s, w, c, background=t),
             lambda s: latest(s, Attachment.caption_background), Attachment),
    TextPath("caption.edited", "照片题名", 200, lambda s, w, c, t: edit_caption(s, w, c, title=t),
             lambda s: s.scalar(select(Attachment.caption_title).order_by(Attachment.id).limit(1))),
    # the volunteer form (and the roster import, through check_volunteer)
    TextPath("volunteer.name", "姓名", 50, lambda s, w, c, t: new_volunteer(s, w, c, name=t),
             lambda s: latest(s, Volunteer.name), Volunteer),
    TextPath("volunteer.area", "居住区域/楼栋", 100, lambda s, w, c, t: new_volunteer(s, w, c, area=t),
             lambda s: latest(s, Volunteer.area), Volunteer),
    TextPath("volunteer.skills", "专业技能", 200, lambda s, w, c, t: new_volunteer(s, w, c, skills=t),
             lambda s: latest(s, Volunteer.skills), Volunteer),
    TextPath("volunteer.service_types", "服务类别", 200, lambda s, w, c, t: new_volunteer(s, w, c, service_types=t),
             lambda s: latest(s, Volunteer.service_types), Volunteer),
    TextPath("volunteer.number", "志愿者编号", 32, lambda s, w, c, t: new_volunteer(s, w, c, number=t),
             lambda s: latest(s, Volunteer.number), Volunteer),
    TextPath("volunteer.remarks", "备注", 2000, lambda s, w, c, t: new_volunteer(s, w, c, remarks=t),
             lambda s: latest(s, Volunteer.remarks), Volunteer),
    TextPath("volunteer.edited", "姓名", 50,
             lambda s, w, c, t: vsvc.update_volunteer(s, c["volunteer"], vsvc.VolunteerDraft(name=t, id_number=KNOWN_FEMALE)),
             lambda s: s.scalar(select(Volunteer.name).order_by(Volunteer.id).limit(1))),
    # teams
    TextPath("team.name", "队伍名称", 60, lambda s, w, c, t: vsvc.add_team(s, t),
             lambda s: latest(s, Team.name), Team),
    TextPath("team.description", "队伍简介", 2000, lambda s, w, c, t: vsvc.add_team(s, f"护河队{next(c['seq'])}", t),
             lambda s: latest(s, Team.description), Team),
    TextPath("team.renamed", "队伍名称", 60, lambda s, w, c, t: vsvc.rename_team(s, c["team"], t),
             lambda s: s.get(Team, s.scalar(select(Team.id).order_by(Team.id))).name),
    # trainings, commendations, evaluations
    TextPath("training.name", "培训名称", 200,
             lambda s, w, c, t: vsvc.add_training(s, c["volunteer"], t, date(2026, 4, 1), 60),
             lambda s: latest(s, Training.name), Training),
    TextPath("training.content", "主要内容", 20000,
             lambda s, w, c, t: vsvc.add_training(s, c["volunteer"], "急救培训", date(2026, 4, 1), 60, t),
             lambda s: latest(s, Training.content), Training),
    TextPath("training.organizer", "举办单位", 200,
             lambda s, w, c, t: vsvc.add_training(s, c["volunteer"], "急救培训", date(2026, 4, 1), 60, "", t),
             lambda s: latest(s, Training.organizer), Training),
    TextPath("commendation.name", "表彰名称", 200,
             lambda s, w, c, t: vsvc.add_commendation(s, c["volunteer"], t, date(2026, 5, 1)),
             lambda s: latest(s, Commendation.name), Commendation),
    TextPath("commendation.grantor", "授予单位", 200,
             lambda s, w, c, t: vsvc.add_commendation(s, c["volunteer"], "优秀志愿者", date(2026, 5, 1), t),
             lambda s: latest(s, Commendation.grantor), Commendation),
    TextPath("evaluation.evaluator", "评价人", 50,
             lambda s, w, c, t: vsvc.add_evaluation(s, c["volunteer"], "优秀", date(2026, 6, 1), t),
             lambda s: latest(s, Evaluation.evaluator), Evaluation),
    TextPath("evaluation.remarks", "说明", 20000,
             lambda s, w, c, t: vsvc.add_evaluation(s, c["volunteer"], "优秀", date(2026, 6, 1), "王堃", t),
             lambda s: latest(s, Evaluation.remarks), Evaluation),
    # service records: 补录 and attendance
    *[TextPath(f"supplement.{key}", label, limit,
               lambda s, w, c, t, key=key: service_hours.add_supplement(
                   s, supplement(c["volunteer"], **{key: t}), "王堃", at=datetime(2026, 6, 2, 9)),
               lambda s, key=key: latest(s, getattr(ServiceRecord, key)), ServiceRecord)
      for key, label, limit in (("title", "活动名称", 200), ("place", "地点", 200), ("content", "服务内容", 20000),
                                ("organizer", "活动组织单位", 200), ("leader", "活动负责人", 100),
                                ("reason", "补录原因", 2000))],
    TextPath("supplement.entered_by", "登记人", 50,
             lambda s, w, c, t: service_hours.add_supplement(s, supplement(c["volunteer"]), t, at=datetime(2026, 6, 2, 9)),
             lambda s: latest(s, ServiceRecord.entered_by), ServiceRecord),
    TextPath("attendance.entered_by", "登记人", 50,
             lambda s, w, c, t: service_hours.record_attendance(s, c["activity"], {c["volunteer"]: next(c["seq"])}, t,
                                                                at=datetime(2026, 10, 19, 9)),
             lambda s: s.scalar(select(ServiceRecord.entered_by).where(ServiceRecord.activity_id.is_not(None))),
             ServiceRecord),
    # certificates
    *[TextPath(f"certificate.{key}", label, limit, lambda s, w, c, t, key=key: issue(s, w, c, **{key: t}),
               lambda s, column=column: latest(s, column), Certificate)
      for key, label, limit, column in (("name", "出具单位", 200, Certificate.issuer),
                                        ("leader", "负责人", 50, Certificate.leader),
                                        ("handler", "经办人", 50, Certificate.handler),
                                        ("contact", "联系方式", 50, Certificate.contact))],
    TextPath("certificate.issued_by", "出具人", 50, lambda s, w, c, t: issue(s, w, c, issued_by=t),
             lambda s: latest(s, Certificate.issued_by), Certificate),
    # categories
    TextPath("category.added", "类别名称", 60, lambda s, w, c, t: categories.add_category(s, t, None),
             lambda s: latest(s, Category.name), Category),
    TextPath("category.renamed", "类别名称", 60, lambda s, w, c, t: categories.rename_category(s, c["category"], t),
             lambda s: s.get(Category, first_child_category(s)).name),
    # the community profile
    *[TextPath(f"profile.{key}", label, limit,
               lambda s, w, c, t, key=key: settings.save_profile(s, profile(**{key: t})), profile_value(key), Setting)
      for key, label, limit in (("name", "社区名称", 100), ("street", "所属街道/镇", 100), ("leader", "负责人", 50),
                                ("preparer", "填表人", 50))],
]


def state(ws, path: TextPath):  # type: ignore[no-untyped-def]
    with ws.read() as s:
        return (rows(s, path.model) if path.model else None, path.stored(s))


@pytest.mark.parametrize("path", PATHS, ids=[p.id for p in PATHS])
def test_every_text_path_cleans_refuses_and_limits(ws, ctx, path: TextPath) -> None:
    before = state(ws, path)
    too_long = "字" * (path.limit + 1)
    for bad, says in ((SURROGATE, "无法保存的字符"), (NUL, "无法保存的字符"),
                      (too_long, f"不能超过 {path.limit} 个字")):
        with pytest.raises(ValidationError) as err, ws.write() as s:
            path.write(s, ws, ctx, bad)
        named = [p for p in err.value.problems if p.field == path.label]
        assert named and says in named[0].message, (path.id, err.value.problems)
        assert f"「{path.label}」" in str(err.value)
        str(err.value).encode("utf-8")  # the message itself can always be printed
        assert state(ws, path) == before, "nothing may be half-saved"

    with ws.write() as s:
        path.write(s, ws, ctx, MARKED)
    assert state(ws, path)[1] == "王伟"

    with ws.write() as s:
        path.write(s, ws, ctx, "字" * path.limit)
    assert state(ws, path)[1] == "字" * path.limit


def test_volunteer_remarks_of_40000_characters_are_refused(ws) -> None:
    with pytest.raises(ValidationError) as err, ws.write() as s:
        vsvc.create_volunteer(s, vsvc.VolunteerDraft(name="林秀英", id_number=KNOWN_FEMALE, remarks="备" * 40000))
    assert [(p.field, p.message) for p in err.value.problems] == [("备注", "不能超过 2000 个字（现在是 40000 个字）")]


def test_looking_a_volunteer_up_by_an_unsavable_text_finds_no_one(ws) -> None:
    """The CLI's --volunteer argument is a non-UTF-8 argv byte as a lone surrogate: no traceback."""
    with ws.read() as s:
        assert vsvc.find_by_number(s, "ZY\udcff") is None and vsvc.find_by_id_number(s, "\udcff") is None


def test_a_file_name_that_is_not_utf8_is_kept_readable_instead_of_failing_the_save(ws, tmp_path) -> None:
    """A photo from a disk written on another system: its name's bytes arrive as lone surrogates."""
    name = os.fsdecode(b"\xbb\xdd\xc8\xaa\xbb\xee.png")  # 惠泉活 in GBK
    assert any(0xDC80 <= ord(c) <= 0xDCFF for c in name)
    photo = make_image(tmp_path / name)
    marked = make_image(tmp_path / "会场\u202e1.png")
    with ws.write() as s:
        aid = activities.create_activity(s, draft(s), ws.files, [NewAttachment(str(photo)), NewAttachment(str(marked))])
    with ws.read() as s:
        first, second = [a.original_name for a in activities.get_activity(s, aid, ws.files).attachments]
    assert first.endswith(".png") and "\ufffd" in first and text_problem(first, 255) is None
    assert second == "会场1.png"


# ---------------------------------------------------------------- imports (rules 1–3 with real files)


def test_activity_import_strips_direction_marks_from_cells_and_headers(ws, tmp_path) -> None:
    path = write_book(tmp_path / "in.xlsx", [
        ["活动\u202e名称", "活动类别", "开始时间", "活动地点", "活动内容"],
        ["\u2067清明祭英烈\u2069", "传统\u202d节日", "2026-04-04 09:00", "\u202b烈士陵园\u202c", "献花\u2066篮"],
    ])
    with ws.write() as s:
        assert import_activities(s, path).created == 1
    with ws.read() as s:
        (row,) = activities.list_activities(s, activities.ActivityFilter())
    assert (row.title, row.category, row.place, row.content) == ("清明祭英烈", "传统节日", "烈士陵园", "献花篮")


def test_roster_import_strips_marks_and_limits_remarks_naming_the_row(ws, tmp_path) -> None:
    headers = ["姓名", "身份证号", "居住区域/楼栋", "备注"]
    good = write_book(tmp_path / "good.xlsx", [headers, ["\u202e林秀英", "\u2066" + KNOWN_FEMALE, "3\u202a号楼", "退休\u202c医生"]])
    long = write_book(tmp_path / "long.xlsx", [headers, ["陈建国", make_id(date(1980, 1, 1), 7), "", "备" * 40000]])
    with pytest.raises(ValidationError) as err, ws.write() as s:
        import_volunteers(s, long)
    assert [(p.row, p.field) for p in err.value.problems] == [(2, "备注")]
    assert "第 2 行「备注」：不能超过 2000 个字" in str(err.value)
    with ws.write() as s:
        import_volunteers(s, good)
    with ws.read() as s:
        stored = s.execute(select(Volunteer.name, Volunteer.id_number, Volunteer.area, Volunteer.remarks)).one()
    assert tuple(stored) == ("林秀英", KNOWN_FEMALE, "3号楼", "退休医生")


def test_an_activity_ledger_too_long_in_a_cell_names_row_and_field(ws, tmp_path) -> None:
    path = write_book(tmp_path / "in.xlsx", [["活动名称", "活动类别", "开始时间", "主办单位"],
                                             ["清明祭英烈", "传统节日", "2026-04-04", "主" * 201]])
    with pytest.raises(ValidationError) as err, ws.write() as s:
        import_activities(s, path)
    assert str(err.value) == "第 2 行「主办单位」：不能超过 200 个字（现在是 201 个字）"


def test_a_crafted_file_with_a_lone_surrogate_is_refused_as_unreadable(ws, tmp_path) -> None:
    """The XML of an .xlsx cannot hold a lone surrogate: such a file is refused whole, in Chinese."""
    plain = write_book(tmp_path / "plain.xlsx", [["活动名称", "活动类别", "开始时间"], ["王XX伟", "传统节日", "2026-04-04"]])
    crafted = tmp_path / "crafted.xlsx"
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(crafted, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"XX", b"&#xD800;")
            target.writestr(item, data)
    with pytest.raises(ValidationError) as err, ws.write() as s:
        import_activities(s, crafted)
    (problem,) = err.value.problems
    assert problem.field == "文件" and "无法读取" in problem.message
    with ws.read() as s:
        assert rows(s, Activity) == 0


# ---------------------------------------------------------------- dates (rule 4)


@pytest.mark.parametrize("text", ["0001-01-01", "9999-12-31", "1948-12-31", "2101-01-01", "00010101"])
def test_parse_datetime_refuses_dates_outside_1949_to_2100(text: str) -> None:
    with pytest.raises(ValueError) as err:
        parse_datetime(text)
    assert "日期应在 1949 年到 2100 年之间" in str(err.value)


def test_parse_datetime_takes_the_edges_and_birth_dates_reach_further_back() -> None:
    assert parse_datetime("1949-01-01") == datetime(1949, 1, 1)
    assert parse_datetime("2100-12-31 23:59") == datetime(2100, 12, 31, 23, 59)
    assert parse_date("1931-05-04", earliest=1880) == date(1931, 5, 4)
    with pytest.raises(ValueError, match="1880 年到 2100 年"):
        parse_date("1879-12-31", earliest=1880)


def old(year: int = 1) -> date:
    return date(year, 1, 1)


DATE_PATHS = [
    ("activity.start", "开始时间", lambda s, w, c: activities.create_activity(
        s, draft(s, start=datetime(1, 1, 1, 9), end=datetime(2026, 1, 1)), w.files), Activity),
    ("activity.end", "结束时间", lambda s, w, c: activities.create_activity(
        s, draft(s, end=datetime(9999, 12, 31)), w.files), Activity),
    ("caption.taken_at", "照片时间", lambda s, w, c: new_photo(s, w, c, taken_at=datetime(1900, 1, 1)), Attachment),
    ("supplement.service_date", "服务日期", lambda s, w, c: service_hours.add_supplement(
        s, supplement(c["volunteer"], service_date=old(1900)), "王堃", at=datetime(2026, 6, 2)), ServiceRecord),
    ("training.held_on", "培训日期", lambda s, w, c: vsvc.add_training(s, c["volunteer"], "急救", old()), Training),
    ("commendation.awarded_on", "表彰日期", lambda s, w, c: vsvc.add_commendation(
        s, c["volunteer"], "优秀", date(2101, 1, 1)), Commendation),
    ("evaluation.evaluated_on", "评价日期", lambda s, w, c: vsvc.add_evaluation(s, c["volunteer"], "优秀", old(1948)),
     Evaluation),
    ("certificate.period", "证明时段", lambda s, w, c: certificates.issue_certificate(
        s, c["volunteer"], old(), date(2026, 6, 30), issuer(), "王堃", issued_on=date(2026, 7, 1)), Certificate),
    ("certificate.issued_on", "出具日期", lambda s, w, c: certificates.issue_certificate(
        s, c["volunteer"], None, None, issuer(), "王堃", issued_on=date(9999, 1, 1)), Certificate),
    ("volunteer.registered_on", "注册日期", lambda s, w, c: new_volunteer(s, w, c, registered_on=old(1900)), Volunteer),
    ("volunteer.birth_date", "出生日期", lambda s, w, c: new_volunteer(s, w, c, birth_date=old()), Volunteer),
]


@pytest.mark.parametrize("key,label,write,model", DATE_PATHS, ids=[p[0] for p in DATE_PATHS])
def test_every_date_path_refuses_dates_out_of_range(ws, ctx, key, label, write, model) -> None:
    with ws.read() as s:
        before = rows(s, model)
    with pytest.raises(ValidationError) as err, ws.write() as s:
        write(s, ws, ctx)
    named = [p for p in err.value.problems if p.field == label]
    assert named and "日期应在" in named[0].message and "2100 年之间" in named[0].message, err.value.problems
    with ws.read() as s:
        assert rows(s, model) == before


def test_a_volunteer_born_before_1949_is_registered(ws) -> None:
    number = make_id(date(1938, 7, 7), 12)
    with ws.write() as s:
        vid = vsvc.create_volunteer(s, vsvc.VolunteerDraft(name="林老伯", id_number=number, birth_date=date(1938, 7, 7),
                                                           registered_on=date(2026, 3, 5)))
    with ws.read() as s:
        assert vsvc.get_volunteer(s, vid).draft.birth_date == date(1938, 7, 7)


def test_import_cells_out_of_range_name_row_and_field(ws, tmp_path) -> None:
    ledger = write_book(tmp_path / "a.xlsx", [
        ["活动名称", "活动类别", "开始时间", "结束时间"],
        ["甲", "传统节日", "9999-12-31", None],
        ["乙", "传统节日", "2026-04-04", "0001-01-01"],
        ["丙", "传统节日", datetime(1900, 1, 1), None],
    ])
    with pytest.raises(ValidationError) as err, ws.write() as s:
        import_activities(s, ledger)
    assert [(p.row, p.field) for p in err.value.problems] == [(2, "开始时间"), (3, "结束时间"), (4, "开始时间")]
    assert "第 2 行「开始时间」：日期应在 1949 年到 2100 年之间（现在是 9999-12-31）" in str(err.value)

    elder = make_id(date(1938, 7, 7), 12)
    roster = write_book(tmp_path / "v.xlsx", [
        ["姓名", "身份证号", "出生日期", "注册日期"],
        ["林老伯", elder, "1938-07-07", "2026-03-05"],
        ["陈建国", make_id(date(1980, 1, 1), 7), None, "0001-01-01"],
    ])
    with pytest.raises(ValidationError) as err, ws.write() as s:
        import_volunteers(s, roster)
    assert [(p.row, p.field) for p in err.value.problems] == [(3, "注册日期")]
    with ws.read() as s:
        assert rows(s, Activity) == 0 and rows(s, Volunteer) == 0


# ---------------------------------------------------------------- many problems (rule 5)


def test_the_message_lists_200_problems_then_how_many_more() -> None:
    problems = [Problem("开始时间", "无法识别的日期", row) for row in range(2, 252)]
    err = ValidationError(problems)
    lines = str(err).splitlines()
    assert len(err.problems) == 250 and len(err.listed) == 200 and len(lines) == 201
    assert lines[0] == "第 2 行「开始时间」：无法识别的日期" and lines[199].startswith("第 201 行")
    assert lines[-1] == "……另有 50 个问题未列出（共 250 个）"
    assert len(str(ValidationError(problems[:200])).splitlines()) == 200  # all listed: no summary line
    assert "\ufffd" in str(ValidationError.single("活动名称", f"「{SURROGATE}」"))


@pytest.mark.slow
def test_200000_bad_rows_give_a_summary_and_write_nothing(ws, tmp_path) -> None:
    """Two problems on each of 200,000 rows (no 活动类别 column; a start date typed with a digit wrong)."""
    path = tmp_path / "big.xlsx"
    book = Workbook(write_only=True)
    sheet = book.create_sheet("活动")
    sheet.append(["活动名称", "开始时间"])
    for number in range(200_000):
        sheet.append([number + 1, "9999-12-31"])
    book.save(path)
    with ws.read() as s:
        before = rows(s, Activity)

    with pytest.raises(ValidationError) as err, ws.write() as s:
        import_activities(s, path)

    message = str(err.value)
    lines = message.splitlines()
    assert len(err.value.problems) == 400_000
    assert len(lines) <= 202 and len(message) < 20_000
    assert lines[0].startswith("第 2 行「活动类别」：必须填写")
    assert lines[1] == "第 2 行「开始时间」：日期应在 1949 年到 2100 年之间（现在是 9999-12-31）"
    assert lines[-1] == "……另有 399800 个问题未列出（共 400000 个）"
    with ws.read() as s:
        assert rows(s, Activity) == before
