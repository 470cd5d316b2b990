"""Every table and column the program keeps has a Chinese name, and records are named by it."""

from __future__ import annotations

from huiquan_desk.services import audit_log
from huiquan_desk.services.entities import ENTITIES, entity_label, field_label, record_name, unlabelled
from huiquan_desk.services.settings import PROFILE_NAME, set_setting
from huiquan_desk.storage.models import Base
from tests.volunteer_helpers import add_volunteer


def test_every_mapped_table_and_column_has_a_label() -> None:
    assert unlabelled() == []
    assert set(ENTITIES) == set(Base.metadata.tables)  # and nothing is named that does not exist


def test_labels_are_chinese_not_keys() -> None:
    assert field_label("certificates", "issuer") == "出具单位"
    assert entity_label("backups") == "备份" and entity_label("backup") == "备份"  # older entries too
    assert record_name("settings", {"key": PROFILE_NAME.key, "value": "惠泉社区"}) == "社区名称"
    assert record_name("service_records", {"id": 25, "service_date": "2026-03-05", "title": "重阳节敬老"}) \
        == "2026-03-05「重阳节敬老」"
    assert record_name("evaluations", {"id": 3}) != "#3"


def test_the_audit_page_shows_names_not_keys(ws) -> None:
    with ws.write() as s:
        set_setting(s, PROFILE_NAME, "惠泉社区")
        add_volunteer(s, "王堃", seq=1)
    with ws.read() as s:
        rows = audit_log.query_audit(s)
    setting = next(r for r in rows if r.entity == "settings")
    assert setting.entity_label == "设置" and setting.record.startswith("社区名称")
    assert all(not r.record.startswith("#") for r in rows), [r.record for r in rows]
    assert all("." not in f.label for r in rows for f in r.fields), "a raw key shown as a label"
