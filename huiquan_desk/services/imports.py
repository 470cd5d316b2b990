"""The import registry: every kind of Excel import, one entry each — what it reads, the words for
its records, the import itself and its template. The command line builds `huiquan-desk import
<key>` and `huiquan-desk template <key>` from these entries, and a later import (households,
archive items …) is one more entry here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from huiquan_desk.domain.errors import Progress, ValidationError

if TYPE_CHECKING:  # light on purpose: the command line reads the registry to build its options
    from sqlalchemy.orm import Session

    from huiquan_desk.services.excel_import import ImportReport


def _import_activities(session: Session, path: Path, progress: Progress | None = None) -> ImportReport:
    from huiquan_desk.services.activity_import import import_activities

    return import_activities(session, path, progress)


def _import_volunteers(session: Session, path: Path, progress: Progress | None = None) -> ImportReport:
    from huiquan_desk.services.volunteer_import import import_volunteers

    return import_volunteers(session, path, progress)


def _import_households(session: Session, path: Path, progress: Progress | None = None) -> ImportReport:
    from huiquan_desk.services.household_import import import_households

    return import_households(session, path, progress)


def _import_checklist(session: Session, path: Path, progress: Progress | None = None) -> ImportReport:
    from huiquan_desk.services.checklist_io import import_checklist

    return import_checklist(session, path, progress)


def _activities_template(session: Session, path: Path) -> Path:
    from huiquan_desk.services.activity_import import save_template
    from huiquan_desk.services.categories import list_categories

    return save_template(path, [node.path for node in list_categories(session)])


def _volunteers_template(_session: Session, path: Path) -> Path:
    from huiquan_desk.services.volunteer_import import save_volunteer_template

    return save_volunteer_template(path)


def _households_template(_session: Session, path: Path) -> Path:
    from huiquan_desk.services.household_import import save_household_template

    return save_household_template(path)


def _checklist_template(session: Session, path: Path) -> Path:
    from huiquan_desk.services.checklist_io import save_checklist_template

    return save_checklist_template(session, path)


@dataclass(frozen=True)
class ImportEntry:
    key: str  # huiquan-desk import <key> / template <key>
    title: str  # what the file is: 活动台账, 志愿者花名册
    noun: str  # how the records are counted: 项活动, 名志愿者
    run: Callable[..., ImportReport]  # (session, path, progress) -> report; raises ValidationError
    template: Callable[[Session, Path], Path]  # writes the template (the community's own lists)

    @property
    def template_name(self) -> str:
        return f"{self.title}导入模板.xlsx"


IMPORTS: dict[str, ImportEntry] = {e.key: e for e in (
    ImportEntry("activities", "活动台账", "项活动", _import_activities, _activities_template),
    ImportEntry("volunteers", "志愿者花名册", "名志愿者", _import_volunteers, _volunteers_template),
    ImportEntry("households", "家庭花名册", "户家庭", _import_households, _households_template),
    ImportEntry("checklist", "测评项目", "项测评项目", _import_checklist, _checklist_template),
)}


def import_entry(key: str) -> ImportEntry:
    try:
        return IMPORTS[key]
    except KeyError:
        raise ValidationError.single("导入", f"没有「{key}」这种导入，可以导入：{'、'.join(IMPORTS)}") from None
