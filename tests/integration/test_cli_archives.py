"""The archive commands, run as a user would: `archive file|check|due|rounds|verify-package`,
`check` with the archive's fixity, `export archive-package` and `export destruction-list`."""

from __future__ import annotations

import shutil
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from huiquan_desk.paths import DataDir
from huiquan_desk.services import archives, destruction
from huiquan_desk.services.archives import ItemDraft
from huiquan_desk.services.workspace import open_workspace
from tests.integration.test_cli import cli

pytestmark = pytest.mark.slow
YEAR = date.today().year


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    data = tmp_path_factory.mktemp("archive-demo")
    result = cli("demo", data=data)
    assert result.returncode == 0, result.stderr
    return data


def test_file_a_year_then_nothing_is_left(demo) -> None:
    result = cli("archive", "file", "--year", str(YEAR), data=demo)
    assert result.returncode == 0, result.stderr
    assert "已归档" in result.stdout or "没有需要归档的记录" in result.stdout
    if "已归档" in result.stdout:
        assert f"WS·{YEAR}-" in result.stdout and "编号 " in result.stdout
    again = cli("archive", "file", "--year", str(YEAR), data=demo)
    assert again.returncode == 0 and "没有需要归档的记录" in again.stdout
    assert cli("archive", "file", "--year", "20x5", data=demo).returncode == 2


def test_fixity_check_finds_a_changed_archive_file(demo) -> None:
    result = cli("archive", "check", data=demo)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "个档案文件，没有发现问题" in result.stdout
    ws = open_workspace(DataDir(demo))
    try:
        with ws.read() as s:
            row = next(r for r in archives.list_items(s, numbered=True) if r.files)
            path = archives.get_item(s, row.id, ws.files).files[0].path
    finally:
        ws.close()
    original = path.read_bytes()
    try:
        path.write_bytes(original + b"tampered")
        result = cli("archive", "check", data=demo)
        assert result.returncode == 1 and f"{row.code} " in result.stdout and "校验值不符" in result.stdout
        result = cli("check", data=demo)
        assert result.returncode == 1 and f"档案：{row.code}" in result.stdout
    finally:
        path.write_bytes(original)
    assert cli("check", data=demo).returncode == 0


def test_package_to_zip_and_folder_verified_then_tampered(demo, tmp_path) -> None:
    out = tmp_path / "移交包.zip"
    result = cli("export", "archive-package", "--year", str(YEAR - 1), "-o", str(out), data=demo)
    assert result.returncode == 0, result.stderr
    assert f"已导出{YEAR - 1}年度档案移交包" in result.stdout
    result = cli("archive", "verify-package", str(out))
    assert result.returncode == 0 and "与清单一致" in result.stdout, result.stdout + result.stderr
    folder = tmp_path / "移交包"
    with zipfile.ZipFile(out) as z:
        z.extractall(folder)
    assert (folder / "归档文件目录.xlsx").is_file() and (folder / "manifest.json").is_file()
    photo = next(p for p in folder.rglob("*.jpg"))
    photo.write_bytes(photo.read_bytes()[:-10])
    result = cli("archive", "verify-package", str(folder))
    assert result.returncode == 1 and "校验值不符" in result.stdout and photo.name in result.stdout
    refused = cli("export", "archive-package", "--year", "1990", "-o", str(tmp_path / "none"), data=demo)
    assert refused.returncode == 2 and "1990 年度没有已编号的归档文件" in refused.stderr
    shutil.rmtree(folder)


def test_due_rounds_and_the_destruction_list(demo, tmp_path) -> None:
    copy = tmp_path / "data"
    shutil.copytree(demo, copy)
    ws = open_workspace(DataDir(copy))
    try:
        with ws.write() as s:
            for n in (1, 2):
                archives.create_item(s, ItemDraft(title=f"2010年通知{n}", year=2010, retention="D10", number=n, pages=1),
                                     ws.files)
        with ws.write() as s:
            round_id = destruction.start_round(s, 2020, "王堃", "李桂兰")
            for row in destruction.due_items(s, 2020):
                destruction.decide(s, round_id, row.id, "destroy")
            destruction.finish_round(s, ws.files, round_id, date.today())
    finally:
        ws.close()
    assert "还没有销毁鉴定" in cli("archive", "rounds", data=demo).stdout
    rounds = cli("archive", "rounds", data=copy)
    assert rounds.returncode == 0 and f"{round_id}  2020年底前期满档案的销毁鉴定" in rounds.stdout
    assert "销毁 2 件" in rounds.stdout
    due = cli("archive", "due", "--by", str(YEAR + 15), data=copy)
    assert due.returncode == 0 and "年底前保管期限届满的档案" in due.stdout and "2010年通知" not in due.stdout
    assert "没有 2020 年底前保管期限届满的档案" in cli("archive", "due", "--by", "2020", data=copy).stdout
    out = tmp_path / "销毁清册.xlsx"
    result = cli("export", "destruction-list", "--round", str(round_id), "-o", str(out), data=copy)
    assert result.returncode == 0, result.stderr
    assert "已导出销毁清册（2 条鉴定意见）" in result.stdout
    flat = [c for row in openpyxl.load_workbook(out).active.iter_rows(values_only=True) for c in row if c]
    assert "0194-WS·2010-D10-0001" in flat and "销毁" in flat
    assert cli("export", "destruction-list", "--round", "x", "-o", str(out), data=copy).returncode == 2
    missing = cli("export", "destruction-list", "-o", str(out), data=copy)
    assert missing.returncode == 2 and "销毁鉴定" in missing.stderr
