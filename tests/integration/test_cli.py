"""The command line, run as a user would run it: a real process on a real data folder."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader

pytestmark = pytest.mark.slow


def cli(*args: str, data: Path | None = None, env_data: Path | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    if env_data is not None:
        env["HUIQUAN_DATA_DIR"] = str(env_data)
    command = [sys.executable, "-m", "huiquan_desk"]
    if data is not None:
        command += ["--data-dir", str(data)]
    return subprocess.run(command + list(args), capture_output=True, text=True, env=env, timeout=300)


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory) -> Path:
    data = tmp_path_factory.mktemp("demo")
    result = cli("demo", data=data)
    assert result.returncode == 0, result.stderr
    assert "演示数据已生成" in result.stdout
    return data


def test_demo_refuses_a_folder_with_data(demo_dir) -> None:
    result = cli("demo", data=demo_dir)
    assert result.returncode == 2 and "已有" in result.stderr


def test_check_passes_then_finds_an_altered_photo(demo_dir, tmp_path) -> None:
    result = cli("check", data=demo_dir)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "检查通过" in result.stdout and "附件文件" in result.stdout
    photo = next(p for p in (demo_dir / "files").rglob("*.jpg"))
    original = photo.read_bytes()
    try:
        photo.write_bytes(original + b"tampered")
        result = cli("check", data=demo_dir)
        assert result.returncode == 1
        assert "校验值不符" in result.stdout
        photo.unlink()
        assert "文件缺失" in cli("check", data=demo_dir).stdout
    finally:
        photo.write_bytes(original)


def test_export_both_formats_with_filters(demo_dir, tmp_path) -> None:
    xlsx, pdf = tmp_path / "节日.xlsx", tmp_path / "全年.pdf"
    result = cli("export", "activities", "--format", "xlsx", "-o", str(xlsx), "--category", "传统节日", data=demo_dir)
    assert result.returncode == 0, result.stderr
    sheet = openpyxl.load_workbook(xlsx).active
    categories = {row[3] for row in sheet.iter_rows(min_row=4, values_only=True) if isinstance(row[0], int)}
    assert categories == {"传统节日"}
    result = cli("export", "activities", "-o", str(pdf), "--from", "2020-01-01", "--to", "2099-12-31", data=demo_dir)
    assert result.returncode == 0, result.stderr
    assert "活动台账" in PdfReader(pdf).pages[0].extract_text()
    bad = cli("export", "activities", "-o", str(tmp_path / "x.pdf"), "--category", "没有这个类别", data=demo_dir)
    assert bad.returncode == 2 and "没有这个类别" in bad.stderr


def test_import_dry_run_writes_nothing_then_import(tmp_path) -> None:
    data, source = tmp_path / "data", tmp_path / "旧台账.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["标题", "日期", "类别", "人数", "地点"])
    wb.active.append(["清明祭英烈", "2026/4/4", "传统节日", "３０人", "烈士陵园"])
    wb.active.append(["普法讲座", "2026年3月15日 9:00", "普法宣传", 40, "社区会议室"])
    wb.save(source)
    dry = cli("import", "activities", str(source), "--dry-run", env_data=data)  # HUIQUAN_DATA_DIR works too
    assert dry.returncode == 0, dry.stderr
    assert "2 行可以导入" in dry.stdout
    out = tmp_path / "a.xlsx"
    assert cli("export", "activities", "-o", str(out), data=data).returncode == 0
    assert "共 0 项" in openpyxl.load_workbook(out).active["A2"].value
    real = cli("import", "activities", str(source), data=data)
    assert real.returncode == 0 and "已导入 2 项活动" in real.stdout
    assert cli("export", "activities", "-o", str(out), data=data).returncode == 0
    assert "共 2 项" in openpyxl.load_workbook(out).active["A2"].value


def test_import_errors_name_row_and_field(tmp_path) -> None:
    source = tmp_path / "bad.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["活动名称", "开始时间", "活动类别"])
    wb.active.append(["好的一行", "2026-04-04", "传统节日"])
    wb.active.append(["坏的一行", "2026-02-30", "火星类别"])
    wb.save(source)
    result = cli("import", "activities", str(source), data=tmp_path / "d")
    assert result.returncode == 2
    assert "第 3 行「开始时间」" in result.stderr and "第 3 行「活动类别」" in result.stderr


def test_volunteer_exports_and_certificate(demo_dir, tmp_path) -> None:
    roster = tmp_path / "花名册.xlsx"
    result = cli("export", "volunteers", "-o", str(roster), data=demo_dir)
    assert result.returncode == 0, result.stderr
    rows = [r for r in openpyxl.load_workbook(roster).active.iter_rows(min_row=4, values_only=True) if isinstance(r[0], int)]
    assert len(rows) == 60
    ids = [r[5] for r in rows]
    assert all(len(i) == 18 and i[6:14] == "********" for i in ids)  # masked in the roster
    hours = tmp_path / "服务.pdf"
    result = cli("export", "service-hours", "--format", "pdf", "-o", str(hours), "--from", "2020-01-01", data=demo_dir)
    assert result.returncode == 0 and "志愿服务记录台账" in result.stdout
    assert "志愿服务记录台账" in PdfReader(hours).pages[0].extract_text()
    number = rows[0][1]
    cert = tmp_path / "证明.pdf"
    result = cli("export", "certificate", "--volunteer", number, "-o", str(cert), data=demo_dir)
    assert result.returncode == 0, result.stderr
    assert "志证第" in result.stdout
    text = PdfReader(cert).pages[0].extract_text()
    assert number in text and "志愿服务记录证明" in text
    missing = cli("export", "certificate", "--volunteer", "ZY19990001", "-o", str(tmp_path / "x.pdf"), data=demo_dir)
    assert missing.returncode == 2 and "ZY19990001" in missing.stderr


def test_import_volunteers_dry_run(tmp_path) -> None:
    source = tmp_path / "花名册.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["姓名", "身份证号", "手机号"])
    wb.active.append(["王伟", "11010519491231002X", "13812345678"])
    wb.active.append(["王伟", "440524188001010014", "13912345678"])  # same name, another person
    wb.save(source)
    data = tmp_path / "d"
    dry = cli("import", "volunteers", str(source), "--dry-run", data=data)
    assert dry.returncode == 0 and "2 行可以导入" in dry.stdout
    real = cli("import", "volunteers", str(source), data=data)
    assert real.returncode == 0 and "已导入 2 名志愿者" in real.stdout
    again = cli("import", "volunteers", str(source), data=data)
    assert again.returncode == 2 and "同一身份证号只能登记一次" in again.stderr


def test_personal_exports_are_in_the_trail_and_writers_wait_for_the_lock(demo_dir, tmp_path) -> None:
    import sqlite3

    roster = tmp_path / "r.pdf"
    assert cli("export", "volunteers", "-o", str(roster), data=demo_dir).returncode == 0
    conn = sqlite3.connect(demo_dir / "huiquan.sqlite3")
    rows = conn.execute("SELECT action, entity, summary FROM audit_log WHERE action = 'export'").fetchall()
    conn.close()
    assert any(entity == "volunteers" and "r.pdf" in summary for _a, entity, summary in rows)
    holder = subprocess.Popen([sys.executable, "-c", "import sys, time; from pathlib import Path; "
                               "from huiquan_desk.paths import DataDir; from huiquan_desk.storage.guard import DataLock; "
                               "held = DataLock(DataDir(Path(sys.argv[1]))).acquire(); print('ok', flush=True); time.sleep(60)",
                               str(demo_dir)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ok"
        busy = cli("import", "activities", str(tmp_path / "none.xlsx"), data=demo_dir)
        assert busy.returncode == 2 and "正被另一个惠泉台账使用" in busy.stderr
        assert cli("export", "activities", "-o", str(tmp_path / "a.xlsx"), data=demo_dir).returncode == 0  # reads go on
    finally:
        holder.kill()
        holder.wait()


def test_assess_seeds_the_checklist_and_exits_1_on_a_c_sharp_item(tmp_path) -> None:
    data = tmp_path / "empty"
    result = cli("assess", "--from", "2026-01-01", "--to", "2026-09-30", data=data)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "已生成默认测评项目" in result.stdout and "C# 档项目" in result.stdout
    assert "HJ-01  C#" in result.stdout and "问题：2026年第1季度" in result.stdout and "待人工评定" in result.stdout
    one_quarter = cli("assess", "--from", "2026-01-01", "--to", "2026-03-31", data=data)
    assert one_quarter.returncode == 0, one_quarter.stdout  # one problem an item: B or C, none C#
    assert "已生成默认测评项目" not in one_quarter.stdout and "HJ-01  B" in one_quarter.stdout


def test_assess_exits_0_when_no_item_is_c_sharp(demo_dir) -> None:
    from datetime import date

    today = date.today()
    result = cli("assess", "--from", today.replace(day=1).isoformat(), "--to", today.isoformat(), data=demo_dir)
    assert "HJ-02" in result.stdout, result.stdout + result.stderr
    assert result.returncode == (1 if "C# 档项目" in result.stdout else 0)
    bad = cli("assess", "--from", "2026-03-01", "--to", "2026-01-01", data=demo_dir)
    assert bad.returncode == 2 and "评定时段" in bad.stderr
    later = cli("assess", "--from", today.replace(year=today.year + 3).isoformat(), data=demo_dir)  # --to: today
    assert later.returncode == 2 and "还没有开始" in later.stderr and "请同时给出 --to" in later.stderr


def test_export_rectifications_checklist_and_supervision_order(demo_dir, tmp_path) -> None:
    from pypdf import PdfReader

    ledger = cli("export", "rectifications", "-o", str(tmp_path / "整改台账.xlsx"), data=demo_dir)
    assert ledger.returncode == 0 and "已导出整改台账（2 条整改问题）" in ledger.stdout, ledger.stderr
    sheet = cli("export", "checklist", "--from", "2026-01-01", "-o", str(tmp_path / "自查.pdf"), data=demo_dir)
    assert sheet.returncode == 0 and "已导出测评自查表（15 条测评项目）" in sheet.stdout, sheet.stderr
    order = cli("export", "supervision-order", "--id", "2", "-o", str(tmp_path / "督办单.pdf"), data=demo_dir)
    assert order.returncode == 0 and "已导出督办单" in order.stdout, order.stderr
    assert "督办单" in PdfReader(tmp_path / "督办单.pdf").pages[0].extract_text()
    missing = cli("export", "supervision-order", "--id", "99", "-o", str(tmp_path / "x.pdf"), data=demo_dir)
    assert missing.returncode != 0 and "不存在" in missing.stderr and not (tmp_path / "x.pdf").exists()


def test_argument_mistakes_are_explained_in_chinese(tmp_path) -> None:
    cases = [(("export", "supervision-order", "-o", "x.pdf"), "缺少必须给出的参数：--id"),
             (("export", "activities", "--format", "doc", "-o", "x"), "「doc」不是可选的值"),
             (("export", "report", "--month", "2026-10", "--year", "2026", "-o", "x.pdf"), "不能和 --month 同时使用"),
             (("--bogus",), "不认识的参数：--bogus")]
    for args, said in cases:
        result = cli(*args, data=tmp_path / "data")
        assert result.returncode == 2 and said in result.stderr, (args, result.stderr)
        assert "用法：huiquan-desk" in result.stderr and "usage:" not in result.stderr and "error:" not in result.stderr
    mismatch = cli("export", "activities", "--format", "pdf", "-o", str(tmp_path / "台账.xlsx"), data=tmp_path / "data")
    assert mismatch.returncode == 2 and "文件名却以 .xlsx 结尾" in mismatch.stderr and not (tmp_path / "台账.xlsx").exists()


def test_a_terminated_export_leaves_no_half_file(demo_dir, tmp_path) -> None:
    """`kill` (SIGTERM) stops a command as Ctrl-C does: the half-written pack is removed."""
    out = tmp_path / "out"
    out.mkdir()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    proc = subprocess.Popen([sys.executable, "-m", "huiquan_desk", "--data-dir", str(demo_dir), "export", "pack",
                             "-o", str(out / "迎检资料包.zip")], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    deadline = time.monotonic() + 60
    while not any(out.iterdir()) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)  # until it has started writing
    assert proc.poll() is None, "the pack was finished before it could be stopped"
    proc.send_signal(signal.SIGTERM)
    _stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 128 + signal.SIGTERM and "已中止" in stderr, (proc.returncode, stderr)
    assert list(out.iterdir()) == []
