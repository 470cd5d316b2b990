"""`huiquan-desk template households` and `import households`, run as a user would: real processes."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

pytestmark = pytest.mark.slow


def cli(*args: str, data: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env.pop("HUIQUAN_PASSWORD", None)
    command = [sys.executable, "-m", "huiquan_desk", "--data-dir", str(data), *args]
    result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300, stdin=subprocess.DEVNULL)
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    return result


def households(data: Path) -> list[tuple]:
    conn = sqlite3.connect(data / "huiquan.sqlite3")
    try:
        return conn.execute("SELECT head_name, building, unit, room, size, phone FROM households ORDER BY id").fetchall()
    finally:
        conn.close()


def test_template_then_dry_run_then_import(tmp_path: Path) -> None:
    data, template = tmp_path / "d", tmp_path / "家庭花名册.xlsx"
    assert "households" in cli("import", "--help", data=data).stdout

    made = cli("template", "households", "-o", str(template), data=data)
    assert made.returncode == 0, made.stderr
    assert "已保存家庭花名册导入模板" in made.stdout and template.is_file()
    unchanged = cli("import", "households", str(template), "--dry-run", data=data)
    assert unchanged.returncode == 2 and "表头下面没有家庭记录" in unchanged.stderr

    book = openpyxl.load_workbook(template)
    book["家庭"].append(["王建国", "３号楼", "2单元", "501室", None, "138 1234 5678", "第一网格", "李秀英（配偶）、王小明（子）"])
    book["家庭"].append(["张桂兰", "3", "2", "502", 2])
    book.save(template)
    dry = cli("import", "households", str(template), "--dry-run", data=data)
    assert dry.returncode == 0, dry.stderr
    assert "检查通过：2 行可以导入（表头在第 1 行）。未写入任何数据。" in dry.stdout
    assert households(data) == []

    real = cli("import", "households", str(template), data=data)
    assert real.returncode == 0 and "已导入 2 户家庭" in real.stdout
    assert households(data) == [("王建国", "3", "2", "501", 3, "13812345678"), ("张桂兰", "3", "2", "502", 2, "")]

    again = cli("import", "households", str(template), data=data)
    assert again.returncode == 2
    assert "第 2 行「住址」：3栋2单元501 已登记为「王建国」家" in again.stderr
    assert "13812345678" not in again.stdout + again.stderr
    assert len(households(data)) == 2
