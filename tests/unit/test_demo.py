"""The 惠泉社区 demo: a year of activities with photos, written only into an empty folder."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from PIL import ExifTags, Image

from huiquan_desk.domain.activity import ActivityDraft, ActivityStatus, AttachmentKind
from huiquan_desk.domain.errors import ValidationError
from huiquan_desk.domain.family import Decision, Outcome, Stage
from huiquan_desk.domain.festivals import festivals
from huiquan_desk.paths import DataDir
from huiquan_desk.services.activities import (
    ActivityFilter,
    ActivityRow,
    count_activities,
    create_activity,
    get_activity,
    list_activities,
)
from huiquan_desk.services.campaigns import get_campaign, list_campaigns
from huiquan_desk.services.categories import FESTIVAL_CATEGORY, CategoryNode, list_categories
from huiquan_desk.services.demo import DemoSummary, fill_demo, leaf_categories, plan_activities
from huiquan_desk.services.households import list_households
from huiquan_desk.services.settings import CommunityProfile, get_profile, save_profile
from huiquan_desk.services.workspace import Workspace, open_workspace
from huiquan_desk.storage.files import sha256_of

TODAY = date(2026, 10, 20)
WINDOW_START = date(2025, 11, 1)


def _stored_files(ws: Workspace) -> set[Path]:
    return {p for p in ws.files.root.rglob("*") if p.is_file()}


@pytest.fixture()
def workspace(tmp_path: Path) -> Iterator[Workspace]:
    ws = open_workspace(DataDir(tmp_path / "data"))
    yield ws
    ws.close()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Workspace, DemoSummary, list[int]]]:
    """One filled demo folder shared by the read-only tests below (filling takes a few seconds)."""
    ws = open_workspace(DataDir(tmp_path_factory.mktemp("demo")))
    calls: list[int] = []
    summary = fill_demo(ws, today=TODAY, progress=lambda done, total: calls.append(done))
    yield ws, summary, calls
    ws.close()


@pytest.fixture(scope="module")
def rows(demo: tuple[Workspace, DemoSummary, list[int]]) -> list[ActivityRow]:
    with demo[0].read() as session:
        return list_activities(session, ActivityFilter())


def test_summary_matches_the_database(demo, rows: list[ActivityRow]) -> None:
    _ws, summary, calls = demo
    assert summary.activities == len(rows)
    assert 150 <= summary.activities <= 210
    assert summary.photos == sum(r.photo_count for r in rows)
    assert summary.sign_ins == sum(r.sign_in_count for r in rows) > 20
    assert calls == list(range(1, summary.activities + 1))


def test_households_and_campaigns_walk_every_stage_rule(demo) -> None:
    """Three campaigns as the services left them: each stage reached under the same rules a user meets."""
    ws, summary, _calls = demo
    with ws.read() as session:
        households = list_households(session)
        campaigns = {(c.kind, c.year): c for c in list_campaigns(session)}
        details = {key: get_campaign(session, row.id, today=TODAY) for key, row in campaigns.items()}
    assert summary.households == len(households) > 50
    assert len({h.address for h in households}) == len(households)  # one household per address
    assert all(h.phone_masked == "" or "****" in h.phone_masked for h in households)  # lists carry the masked number
    assert summary.campaigns == len(campaigns) == 3
    assert summary.nominations == sum(len(d.nominations) for d in details.values())
    assert summary.nomination_photos == sum(n.photos for d in details.values() for n in d.nominations) > 0
    last, this, safe = details[("文明家庭", 2025)], details[("文明家庭", 2026)], details[("平安家庭", 2026)]
    assert last.row.stage == Stage.PUBLICIZE and this.row.stage == Stage.COMMEND and safe.row.stage == Stage.NOTICE
    # 等额推荐: each grid nominated exactly its quota; five members scored; some not chosen, with a reason.
    quotas = this.draft.quotas
    assert quotas and Counter(n.nominator for n in this.nominations if n.nominator in quotas) == quotas
    assert len(this.reviewers) == 5
    not_chosen = [n for n in this.nominations if n.decision == Decision.NOT_CHOSEN]
    assert not_chosen and all(n.reason for n in not_chosen)
    # A household commended last year is flagged when nominated again.
    assert any(n.recent_award == 2025 for n in this.nominations)
    # The notice ran its length before 表彰; the 平安家庭 notice is still open, with an open objection.
    assert this.row.commended_on and this.row.notice_end and this.row.commended_on > this.row.notice_end
    assert safe.row.notice_end and safe.row.notice_end >= TODAY
    assert any(o.outcome == Outcome.OPEN for o in safe.objections)
    assert all(o.outcome != Outcome.OPEN for o in this.objections) and this.objections
    # Their meetings are ordinary activities linked to the campaign.
    assert last.activities and this.activities and safe.activities


def test_profile_is_the_demo_community(demo) -> None:
    with demo[0].read() as session:
        profile = get_profile(session)
    assert profile.name == "惠泉社区"
    assert profile.fonds_code == "0194"
    assert profile.street and profile.leader and profile.preparer


def test_twelve_months_up_to_today_then_a_few_planned(rows: list[ActivityRow]) -> None:
    done = [r for r in rows if r.status in (ActivityStatus.DONE, ActivityStatus.ARCHIVED)]  # held (and maybe filed)
    planned = [r for r in rows if r.status is ActivityStatus.PLANNED]
    assert min(r.start.date() for r in rows) >= WINDOW_START
    assert all(r.start.date() <= TODAY for r in done)
    assert 3 <= len(planned) <= 10
    assert all(TODAY < r.start.date() <= TODAY + timedelta(days=21) for r in planned)
    per_month = Counter((r.start.year, r.start.month) for r in done)
    assert len(per_month) == 12
    full_months = [count for (year, month), count in per_month.items() if (year, month) != (2026, 10)]
    assert all(10 <= count <= 22 for count in full_months), per_month


def test_times_are_office_hours_and_numbers_plausible(rows: list[ActivityRow]) -> None:
    for row in rows:
        assert row.start.time() >= datetime(2000, 1, 1, 8, 0).time()
        assert row.end.time() <= datetime(2000, 1, 1, 17, 30).time()
        assert row.start < row.end and row.start.date() == row.end.date()
        assert row.title and row.place and row.organizer and row.leader and row.content
        if row.status is not ActivityStatus.PLANNED:
            assert 1 <= row.participants <= 200
        else:
            assert row.photo_count == 0


def test_every_category_is_used(demo, rows: list[ActivityRow]) -> None:
    with demo[0].read() as session:
        nodes = list_categories(session)
    used = {r.category_id for r in rows if r.status is not ActivityStatus.PLANNED}
    assert {leaf.id for leaf in leaf_categories(nodes)} <= used
    tops = {n.path.split("/")[0] for n in nodes if n.id in used}
    assert tops == {n.name for n in nodes if n.parent_id is None}


def test_festival_activities_on_the_real_dates(rows: list[ActivityRow]) -> None:
    festive = [r for r in rows if r.category == FESTIVAL_CATEGORY]
    for festival in festivals(2026):
        if festival.day > TODAY:
            continue
        near = [r for r in festive if festival.name in r.title
                and festival.day - timedelta(days=7) <= r.start.date() <= festival.day]
        assert near, f"no {festival.name} activity near {festival.day}"
    # 中秋 2026 is September 25, 春节 February 17, 重阳 October 18 (held on the day).
    assert any("中秋" in r.title and date(2026, 9, 20) <= r.start.date() <= date(2026, 9, 25) for r in festive)
    assert any("春节" in r.title and date(2026, 2, 10) <= r.start.date() <= date(2026, 2, 17) for r in festive)
    assert any("重阳" in r.title and r.start.date() == date(2026, 10, 18) for r in festive)


def test_some_past_activities_have_no_photos(demo, rows: list[ActivityRow]) -> None:
    with demo[0].read() as session:
        gaps = count_activities(session, ActivityFilter(exclude_planned=True, without_photos=True))
    done = sum(1 for r in rows if r.status is not ActivityStatus.PLANNED)
    assert 0.04 * done <= gaps <= 0.15 * done
    with_photos = [r for r in rows if r.photo_count]
    assert {r.photo_count for r in with_photos} <= {1, 2, 3}


def test_attachments_are_stored_by_hash_with_captions_and_exif(demo, rows: list[ActivityRow]) -> None:
    ws = demo[0]
    sample = [r for r in rows if r.photo_count and r.sign_in_count][:5] + [r for r in rows if r.photo_count][-5:]
    with ws.read() as session:
        details = [get_activity(session, r.id, ws.files) for r in sample]
    for detail in details:
        for item in detail.attachments:
            assert item.path.is_file()
            assert sha256_of(item.path) == item.sha256
            assert ws.files.verify(item.sha256, ".jpg") is None
            caption = item.caption
            assert caption.title and caption.place and caption.photographer
            assert caption.taken_at is not None
            assert detail.row.start <= caption.taken_at <= detail.row.end
            with Image.open(item.path) as image:
                assert image.format == "JPEG"
                exif = image.getexif().get_ifd(ExifTags.IFD.Exif)
            assert exif[ExifTags.Base.DateTimeOriginal] == caption.taken_at.strftime("%Y:%m:%d %H:%M:%S")
            if item.kind is AttachmentKind.PHOTO:
                assert caption.people


def test_second_fill_is_refused_and_writes_nothing(demo, rows: list[ActivityRow]) -> None:
    ws = demo[0]
    before = _stored_files(ws)
    with pytest.raises(ValidationError) as err:
        fill_demo(ws, today=TODAY)
    assert "已有" in str(err.value) and str(len(rows)) in str(err.value)
    with ws.read() as session:
        assert count_activities(session) == len(rows)
    assert _stored_files(ws) == before


def test_refuses_a_folder_with_real_activities(workspace: Workspace) -> None:
    with workspace.write() as session:
        category = leaf_categories(list_categories(session))[0]
        draft = ActivityDraft("真实活动", category.id, datetime(2026, 3, 5, 9), datetime(2026, 3, 5, 10), participants=5)
        create_activity(session, draft, workspace.files)
    with pytest.raises(ValidationError, match="已有 1 条活动"):
        fill_demo(workspace, today=TODAY)
    with workspace.read() as session:
        assert count_activities(session) == 1
        assert not get_profile(session).is_set
    assert _stored_files(workspace) == set()


def test_refuses_a_folder_set_up_for_another_community(workspace: Workspace) -> None:
    with workspace.write() as session:
        save_profile(session, CommunityProfile(name="阳光社区"))
    with pytest.raises(ValidationError, match="阳光社区"):
        fill_demo(workspace, today=TODAY)
    with workspace.read() as session:
        assert get_profile(session).name == "阳光社区"


def test_a_failing_progress_callback_rolls_everything_back(workspace: Workspace) -> None:
    class Stop(Exception):
        pass

    def progress(done: int, total: int) -> None:
        if done == 3:
            raise Stop

    with pytest.raises(Stop):
        fill_demo(workspace, today=TODAY, progress=progress)
    with workspace.read() as session:
        assert count_activities(session) == 0
        assert not get_profile(session).is_set
    assert _stored_files(workspace) == set()


def test_plan_is_deterministic_for_a_seed(workspace: Workspace) -> None:
    with workspace.read() as session:
        nodes = list_categories(session)
    first = plan_activities(random.Random(7), nodes, TODAY)
    again = plan_activities(random.Random(7), nodes, TODAY)
    other = plan_activities(random.Random(8), nodes, TODAY)
    assert first == again
    assert first != other


def test_plan_follows_a_lightly_renamed_tree() -> None:
    """Leaves renamed without "/" (「宣传栏、板报宣传」) keep their templates and dated events."""
    tree = {"思想道德教育": ["宣传栏、板报宣传", "政治理论学习"], "社会环境": ["传统节日", "卫生整治"],
            "社区秩序": ["群防群治、治安巡逻"], "其他": ["财务公开"]}
    nodes, next_id = [], 1
    for top, children in tree.items():
        parent = CategoryNode(next_id, None, top, top, 0, next_id)
        nodes.append(parent)
        next_id += 1
        for child in children:
            nodes.append(CategoryNode(next_id, parent.id, child, f"{top}/{child}", 1, next_id))
            next_id += 1
    plan = plan_activities(random.Random(1), nodes, TODAY)
    by_category = Counter(a.category for a in plan if a.status is ActivityStatus.DONE)
    assert by_category["宣传栏、板报宣传"] >= 12  # the monthly notice-board update
    assert by_category["群防群治、治安巡逻"] >= 12
    assert by_category["财务公开"] >= 1  # unknown categories still get generic activities
    assert any("中秋" in a.title for a in plan if a.category == "传统节日")
    assert any("宣传栏更新" in a.title for a in plan if a.category == "宣传栏、板报宣传")
    assert any(a.title == "庆“七一”主题党日活动" for a in plan)


def test_last_year_is_filed_and_boxed_this_year_partly_filed(demo) -> None:
    from huiquan_desk.services import archive_boxes, archives, filing

    ws, summary = demo[0], demo[1]
    with ws.read() as session:
        last, this = archives.series(session, TODAY.year - 1), archives.series(session, TODAY.year)
        boxes = archive_boxes.list_boxes(session, TODAY.year - 1)
        unfiled_last, unfiled_this = filing.unfiled(session, TODAY.year - 1), filing.unfiled(session, TODAY.year)
        plan = [r for r in archives.list_items(session, TODAY.year, retention="Y") if r.source == "手工录入"]
    assert last and all(g.items == g.numbered == g.boxed for g in last) and unfiled_last == []
    assert {b.group for b in boxes} == {g.group for g in last}
    assert all(b.notes and b.arranged_by and b.checked_on for b in boxes)
    assert this and all(g.items == g.numbered and g.boxed == 0 for g in this)
    assert unfiled_this and all(c.day is None or c.day >= date(TODAY.year, 7, 1) for c in unfiled_this)
    assert len(plan) == 1 and plan[0].shown_title.startswith("[") and plan[0].files == 2
    assert summary.archive_items == sum(g.items for g in last + this) and summary.archive_boxes == len(boxes)


def test_inspection_checklist_grades_and_two_rectifications(demo) -> None:
    from huiquan_desk.domain.assessment import Status
    from huiquan_desk.services import assessment
    from huiquan_desk.services.demo.inspection import last_month
    from huiquan_desk.services.rectifications import list_rectifications, overdue

    ws, summary, _calls = demo
    start, end = last_month(TODAY)
    with ws.read() as session:
        items = assessment.list_items(session)
        results = assessment.evaluate(session, start, end, TODAY)
        rows = list_rectifications(session)
        late = overdue(session, TODAY)
    assert summary.checklist_items == len(items) == len(assessment.default_checklist())
    by_hand = [r for r in results if not r.item.rule]
    assert by_hand and summary.manual_grades == len(by_hand)
    assert all(r.grade is not None and r.manual is not None for r in by_hand)  # last month graded by hand
    assert summary.rectifications == len(rows) == 2 and summary.overdue_rectifications == len(late) == 1
    verified = next(r for r in rows if r.status == Status.VERIFIED.value)
    assert verified.found_on == TODAY - timedelta(weeks=6) and verified.verified_by and verified.verified_on
    assert late[0].status == Status.IN_PROGRESS.value and late[0].deadline < TODAY and late[0].responsible
    assert "2 个整改问题（逾期 1 个）" in summary.text()
