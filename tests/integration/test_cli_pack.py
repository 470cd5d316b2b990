"""`huiquan-desk export pack` run as a user would, on the demo: the zip written with progress lines
and its summary, `--verify` exiting 0 on it and 1 on a tampered copy, a bad period refused with 2;
and every workbook in the pack opened by LibreOffice (as a committee without Excel opens them),
with the private fontconfig and profile of tests/integration/test_print_libreoffice.py."""

from __future__ import annotations

import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from huiquan_desk.paths import font_file
from tests.integration.test_cli import cli
from tests.integration.test_print_libreoffice import FONTS_CONF, SOFFICE

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def pack(tmp_path_factory) -> Path:
    data = tmp_path_factory.mktemp("pack-demo")
    result = cli("demo", data=data)
    assert result.returncode == 0, result.stderr
    out = data.parent / "pack-out" / "迎检资料包.zip"
    result = cli("export", "pack", "-o", str(out), data=data)  # this year up to today
    assert result.returncode == 0, result.stdout + result.stderr
    assert " 100%" in result.stdout and "已导出迎检资料包" in result.stdout
    assert "--verify" in result.stdout
    return out


def test_verify_exits_zero_on_the_pack_and_one_on_a_tampered_copy(pack, tmp_path) -> None:
    result = cli("export", "pack", "--verify", str(pack))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("迎检资料包完整")
    tampered = tmp_path / "改过.zip"
    shutil.copyfile(pack, tampered)
    with zipfile.ZipFile(tampered, "a") as z:
        z.writestr("03_活动台账/补充说明.txt", "后来加的")
    result = cli("export", "pack", "--verify", str(tampered))
    assert result.returncode == 1
    assert "多出的文件（清单中没有）：03_活动台账/补充说明.txt" in result.stdout and "发现 1 个问题" in result.stdout


def test_bad_input_is_refused(pack, tmp_path) -> None:
    data = pack.parent.parent / "pack-demo"
    result = cli("export", "pack", "--from", "2026-06-01", "--to", "2026-01-01", "-o", str(tmp_path / "p.zip"),
                 data=data)
    assert result.returncode == 2 and "结束日期不能早于开始日期" in result.stderr
    assert not (tmp_path / "p.zip").exists()
    assert cli("export", "pack", "--verify", str(tmp_path / "没有.zip")).returncode == 1
    assert cli("export", "pack", data=data).returncode == 2  # -o or --verify is needed


def test_every_workbook_in_the_pack_opens_in_libreoffice(pack, tmp_path) -> None:
    if SOFFICE is None:
        pytest.skip("LibreOffice is not installed (no soffice on PATH): Debian package libreoffice-calc-nogui, "
                    "listed in installer/debian-packages.txt")
    books = tmp_path / "books"
    with zipfile.ZipFile(pack) as z:
        names = [n for n in z.namelist() if n.endswith(".xlsx")]
        for number, name in enumerate(names):  # flat, ASCII names: one conversion call for all
            (books / f"{number:02d}.xlsx").parent.mkdir(exist_ok=True)
            (books / f"{number:02d}.xlsx").write_bytes(z.read(name))
    assert len(names) >= 10
    (tmp_path / "fonts.conf").write_text(FONTS_CONF.format(fonts=font_file().parent, cache=tmp_path / "fontcache"))
    (tmp_path / "home").mkdir()
    env = dict(os.environ, FONTCONFIG_FILE=str(tmp_path / "fonts.conf"), HOME=str(tmp_path / "home"))
    result = subprocess.run(
        [SOFFICE, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless", "--norestore",
         "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir", str(tmp_path / "csv"),
         *(str(p) for p in sorted(books.iterdir()))],
        capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, (result.stdout, result.stderr)
    for number, name in enumerate(names):
        csv = tmp_path / "csv" / f"{number:02d}.csv"
        assert csv.is_file(), (name, result.stdout, result.stderr)
        assert "惠泉社区" in csv.read_text("utf-8"), name  # the first sheet read back: a title or a letterhead
