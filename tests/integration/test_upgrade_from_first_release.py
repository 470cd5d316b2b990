"""A data folder written by the first release (commit b69b747, migration 0001 only) opened by this
version: backed up as it was, migrated to the newest schema, nothing lost.

The fixture tests/fixtures/first_release_data.zip was made with that release's own code
(tests/fixtures/make_first_release_folder.py says how). .ci/run opens the same folder with the
command the .deb installs.
"""

import json
import os
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from huiquan_desk.storage.revisions import HEAD_REVISION

pytestmark = pytest.mark.slow
FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "first_release_data.zip"
FIRST_REVISION = "0001_initial"


def cli(data: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return subprocess.run([sys.executable, "-m", "huiquan_desk", "--data-dir", str(data), *args],
                          capture_output=True, text=True, env=env, timeout=300)


def revision(database: Path) -> str:
    with sqlite3.connect(database) as db:
        return db.execute("SELECT version_num FROM alembic_version").fetchone()[0]


@pytest.fixture
def first_release_folder(tmp_path) -> Path:
    data = tmp_path / "旧版本 数据"
    with zipfile.ZipFile(FIXTURE) as archive:
        archive.extractall(data)
    assert revision(data / "huiquan.sqlite3") == FIRST_REVISION  # the fixture is what it says
    return data


def test_first_release_folder_is_backed_up_then_migrated(first_release_folder, tmp_path) -> None:
    data = first_release_folder

    result = cli(data, "check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "数据库结构与本程序的版本一致" in result.stdout
    assert revision(data / "huiquan.sqlite3") == HEAD_REVISION != FIRST_REVISION

    # the backup taken before migrating holds the first release's database as it was
    (backup,) = sorted((data / "backups").glob("huiquan-pre-migration-*.zip"))
    with zipfile.ZipFile(backup) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        archive.extract("huiquan.sqlite3", tmp_path / "backed-up")
    assert manifest["revision"] == FIRST_REVISION and manifest["counts"]["activities"] == 3
    assert revision(tmp_path / "backed-up" / "huiquan.sqlite3") == FIRST_REVISION

    # rows, settings and attachments made by the first release are all still there
    with sqlite3.connect(data / "huiquan.sqlite3") as db:
        titles = {row[0] for row in db.execute("SELECT title FROM activities")}
        assert titles == {"重阳节敬老活动", "垃圾分类宣传进楼栋", "文明楼道评比"}
        assert db.execute("SELECT count(*) FROM attachments").fetchone()[0] == 2
    profile = cli(data, "profile")
    assert profile.returncode == 0 and "惠泉社区" in profile.stdout and "0194" in profile.stdout
    out = tmp_path / "台账.xlsx"
    export = cli(data, "export", "activities", "--format", "xlsx", "-o", str(out))
    assert export.returncode == 0 and "3 条活动" in export.stdout and out.stat().st_size > 0

    # opened a second time: already at the newest schema, so no second pre-migration backup
    assert cli(data, "check").returncode == 0
    assert len(list((data / "backups").glob("huiquan-pre-migration-*.zip"))) == 1
