"""Activities through the service layer, on a real SQLite database."""

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from huiquan_desk.domain.activity import ActivityStatus, AttachmentKind, NewAttachment, PhotoCaption
from huiquan_desk.domain.errors import NotFoundError, ValidationError
from huiquan_desk.services import activities as svc
from huiquan_desk.services import recycle_bin
from huiquan_desk.services.activities import ActivityFilter
from huiquan_desk.services.filing import file_records
from huiquan_desk.storage.files import sha256_of
from huiquan_desk.storage.models import Activity, Attachment
from tests.helpers import category_id, draft, make_image


def count(ws) -> int:  # type: ignore[no-untyped-def]
    with ws.read() as s:
        return s.scalar(select(func.count()).select_from(Activity))


def test_create_and_read_back_with_photo(ws, tmp_path) -> None:
    photo = make_image(tmp_path / "p.jpg")
    sheet = make_image(tmp_path / "签到表.png", "white")
    with ws.write() as s:
        new_id = svc.create_activity(s, draft(s), ws.files, [
            NewAttachment(str(photo), AttachmentKind.PHOTO, PhotoCaption(people="王堃（社区书记）", photographer="陶喆")),
            NewAttachment(str(sheet), AttachmentKind.SIGN_IN),
        ])
    with ws.read() as s:
        detail = svc.get_activity(s, new_id, ws.files)
    assert detail.row.title == "重阳节敬老爱老活动" and detail.row.category == "传统节日"
    assert detail.row.photo_count == 1 and detail.row.sign_in_count == 1
    stored = next(a for a in detail.attachments if a.kind is AttachmentKind.PHOTO)
    assert stored.path.name == f"{sha256_of(photo)}.jpg" and stored.path.is_file()
    assert sha256_of(stored.path) == sha256_of(photo)
    assert stored.caption.title == "重阳节敬老爱老活动"  # defaults from the activity
    assert stored.caption.place == "惠泉社区活动室" and stored.caption.photographer == "陶喆"


def test_same_file_is_stored_once(ws, tmp_path) -> None:
    photo = make_image(tmp_path / "p.jpg")
    with ws.write() as s:
        for _ in range(2):
            svc.create_activity(s, draft(s), ws.files, [NewAttachment(str(photo))])
    assert len([p for p in ws.files.root.rglob("*") if p.is_file()]) == 1


@pytest.mark.parametrize("changes,field", [
    ({"title": "  "}, "活动名称"),
    ({"end": datetime(2026, 10, 18, 8, 0)}, "结束时间"),
    ({"participants": -1}, "参与人数"),
    ({"category_id": None}, "活动类别"),
    ({"start": None}, "开始时间"),
])
def test_invalid_activity_names_the_field_and_saves_nothing(ws, changes, field) -> None:
    with pytest.raises(ValidationError) as err, ws.write() as s:
        svc.create_activity(s, draft(s, **changes), ws.files)
    assert [p.field for p in err.value.problems] == [field]
    assert count(ws) == 0


def test_unreadable_image_is_refused_and_nothing_saved(ws, tmp_path) -> None:
    broken = tmp_path / "坏图.jpg"
    broken.write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    with pytest.raises(ValidationError) as err, ws.write() as s:
        svc.create_activity(s, draft(s), ws.files, [NewAttachment(str(broken))])
    assert "坏图.jpg" in str(err.value) and "无法读取" in str(err.value)
    assert count(ws) == 0
    assert not any(p.is_file() for p in ws.files.root.rglob("*"))


def test_update_replaces_fields_and_attachments(ws, tmp_path) -> None:
    a, b = make_image(tmp_path / "a.jpg", "red"), make_image(tmp_path / "b.jpg", "blue")
    with ws.write() as s:
        new_id = svc.create_activity(s, draft(s), ws.files, [NewAttachment(str(a))])
    with ws.read() as s:
        old = svc.get_activity(s, new_id, ws.files)
    with ws.write() as s:
        svc.update_activity(s, new_id, draft(s, title="重阳节登高活动", participants=60), ws.files,
                            add=[NewAttachment(str(b))], remove=[old.attachments[0].id],
                            captions={})
    with ws.read() as s:
        detail = svc.get_activity(s, new_id, ws.files)
    assert detail.row.title == "重阳节登高活动" and detail.row.participants == 60
    assert [x.sha256 for x in detail.attachments] == [sha256_of(b)]


def test_archived_cannot_be_created_deleted_or_unarchived(ws) -> None:
    with ws.write() as s:
        new_id = svc.create_activity(s, draft(s), ws.files)
        file_records(s, ws.files, [new_id])  # filed: 已归档
    with pytest.raises(ValidationError), ws.write() as s:
        svc.delete_activities(s, [new_id])
    with pytest.raises(ValidationError), ws.write() as s:
        svc.update_activity(s, new_id, draft(s, status=ActivityStatus.DONE), ws.files)
    with pytest.raises(ValidationError, match="新活动不能直接设为「已归档」"), ws.write() as s:
        svc.create_activity(s, draft(s, status=ActivityStatus.ARCHIVED), ws.files)
    assert count(ws) == 1


def test_delete_removes_activity_and_attachment_rows(ws, tmp_path) -> None:
    with ws.write() as s:
        ids = [svc.create_activity(s, draft(s), ws.files, [NewAttachment(str(make_image(tmp_path / "x.jpg")))])
               for _ in range(3)]
    with ws.write() as s:
        assert svc.delete_activities(s, ids[:2]) == 2
    with ws.read() as s:
        assert s.scalar(select(func.count()).select_from(Attachment)) == 1
        with pytest.raises(NotFoundError):
            svc.get_activity(s, ids[0], ws.files)
        # … into the recycle bin, each with its attachment row; the shared photo file stays.
        binned = recycle_bin.list_bin(s)
        assert sorted(r.entity_id for r in binned) == ids[:2]
        assert [r.children for r in binned] == [{"attachments": 1}] * 2
        assert svc.get_activity(s, ids[2], ws.files).attachments[0].path.is_file()


@pytest.fixture
def sample(ws, tmp_path):  # type: ignore[no-untyped-def]
    with ws.write() as s:
        fest, law = category_id(s, "传统节日"), category_id(s, "普法宣传")
        rows = [
            ("中秋节邻里共度佳节", fest, datetime(2025, 10, 6, 15), "惠泉广场", "猜灯谜、做月饼", True),
            ("重阳节敬老活动", fest, datetime(2026, 10, 18, 9), "社区活动室", "为老人送重阳糕", True),
            ("宪法宣传日普法讲座", law, datetime(2026, 12, 4, 9), "社区会议室", "张三律师讲解民法典", False),
            ("反诈骗宣传进小区", law, datetime(2026, 5, 10, 9), "惠泉小区3栋", "发放反诈宣传册", False),
        ]
        ids = []
        for title, cat, start, place, content, with_photo in rows:
            files = [NewAttachment(str(make_image(tmp_path / f"{title}.jpg")))] if with_photo else []
            ids.append(svc.create_activity(s, draft(s, title=title, category_id=cat, start=start,
                                                    end=start + timedelta(hours=2), place=place,
                                                    content=content), ws.files, files))
    return ids


def test_filters(ws, sample) -> None:
    with ws.read() as s:
        year = svc.list_activities(s, ActivityFilter.year(2026))
        assert [r.title for r in year] == ["反诈骗宣传进小区", "重阳节敬老活动", "宪法宣传日普法讲座"]
        social = svc.query_ids(s, ActivityFilter(category_id=category_id(s, "社会环境")))
        assert len(social) == 2  # a parent category includes its children
        gaps = svc.list_activities(s, ActivityFilter(without_photos=True))
        assert {r.title for r in gaps} == {"宪法宣传日普法讲座", "反诈骗宣传进小区"}
        planned = svc.query_ids(s, ActivityFilter(status=ActivityStatus.PLANNED))
        assert planned == []
        assert svc.count_activities(s, ActivityFilter(date_from=date(2026, 10, 18), date_to=date(2026, 10, 18))) == 1


@pytest.mark.parametrize("query,expected", [
    ("重阳", {"重阳节敬老活动"}),  # 2 characters: LIKE
    ("张三", {"宪法宣传日普法讲座"}),  # 2 characters in content
    ("惠泉小区", {"反诈骗宣传进小区"}),  # 4 characters in place: FTS5 trigram
    ("民法典", {"宪法宣传日普法讲座"}),  # 3 characters in content: FTS5
    ("节", {"中秋节邻里共度佳节", "重阳节敬老活动"}),
    ("100%", set()),
    ('"引号', set()),
])
def test_search(ws, sample, query, expected) -> None:
    with ws.read() as s:
        assert {r.title for r in svc.list_activities(s, ActivityFilter(text=query))} == expected


def test_search_follows_edits(ws, sample) -> None:
    with ws.write() as s:
        svc.update_activity(s, sample[0], draft(s, title="中秋博饼大会", start=datetime(2025, 10, 6, 15),
                                                end=datetime(2025, 10, 6, 17)), ws.files)
    with ws.read() as s:
        assert [r.title for r in svc.list_activities(s, ActivityFilter(text="博饼大会"))] == ["中秋博饼大会"]
        assert svc.list_activities(s, ActivityFilter(text="邻里共度")) == []


def test_sorting_by_any_column(ws, sample) -> None:
    with ws.read() as s:
        by_people = svc.query_ids(s, ActivityFilter(), "participants", False)
        by_title = svc.fetch_rows(s, svc.query_ids(s, ActivityFilter(), "title", False))
        by_category = svc.fetch_rows(s, svc.query_ids(s, ActivityFilter(), "category", False))
    assert len(by_people) == 4
    assert [r.title for r in by_title] == sorted(r.title for r in by_title)
    assert [r.category for r in by_category] == sorted(r.category for r in by_category)
