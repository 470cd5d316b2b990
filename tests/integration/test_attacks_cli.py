"""The data folder under attack, as it was tried: real processes, real paths, real read-only mounts,
a real file-size limit for a full disk. Each case ends with one Chinese message and an exit status,
never a traceback, and the data exactly as it was (rows, attachment hashes, integrity_check)."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from huiquan_desk.paths import DataDir
from huiquan_desk.services import activities
from huiquan_desk.services.workspace import open_workspace
from huiquan_desk.storage import backups, guard
from tests.backup_helpers import dump_tables, file_hashes, photo, populate
from tests.helpers import draft, read_only

pytestmark = pytest.mark.slow


def cli(*args: str, data: Path | None = None, **env_extra: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env.pop("HUIQUAN_PASSWORD", None)
    env.pop("HUIQUAN_NEW_PASSWORD", None)
    env.update(env_extra)
    command = [sys.executable, "-m", "huiquan_desk"]
    if data is not None:
        command += ["--data-dir", str(data)]
    result = subprocess.run(command + list(args), capture_output=True, text=True, env=env, timeout=300,
                            stdin=subprocess.DEVNULL)
    assert "Traceback" not in result.stderr + result.stdout, result.stderr
    return result


def state(data: Path) -> tuple:
    conn = sqlite3.connect(data / "huiquan.sqlite3")
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        conn.close()
    return dump_tables(data / "huiquan.sqlite3"), file_hashes(DataDir(data))


def audit_rows(data: Path) -> list[tuple]:
    conn = sqlite3.connect(data / "huiquan.sqlite3")
    try:
        return conn.execute("SELECT user, action, entity, summary FROM audit_log ORDER BY id").fetchall()
    finally:
        conn.close()


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """A small community: 3 activities with 5 photos, 2 volunteers, and a backup."""
    root = tmp_path_factory.mktemp("template")
    ws = open_workspace(DataDir(root / "data"))
    try:
        populate(ws, root)
        backups.create_backup(ws.data, "manual")
    finally:
        ws.close()
    return root / "data"


@pytest.fixture
def data(template, tmp_path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(template, target)
    return target


# ---------------------------------------------------------------------------------------------
# 1. Any folder name works


ODD_NAMES = ["问号?folder", "井号#folder", "百分%41号", "分号;folder", "有 空 格", "惠泉社区台账"]


@pytest.mark.parametrize("name", ODD_NAMES)
def test_any_folder_name_is_used_as_it_is(tmp_path, name) -> None:
    parent = tmp_path / "parent"
    parent.mkdir()
    sibling = parent / name.replace("%41", "A")  # what "%41" would decode to
    garbage = b"not a database at all" * 100
    if sibling.name != name:
        sibling.mkdir()
        (sibling / "huiquan.sqlite3").write_bytes(garbage)
    root = parent / name
    ws = open_workspace(DataDir(root))
    try:
        with ws.write() as s:
            activities.create_activity(s, draft(s, title="奇怪文件夹里的活动"), ws.files, [photo(tmp_path, "p.jpg", "red")])
        info = backups.create_backup(ws.data, "manual")
    finally:
        ws.close()
    assert sorted(p.name for p in parent.iterdir()) == sorted({name, sibling.name})  # nothing stray beside it
    assert guard.quick_check(DataDir(root).database).ok
    assert backups.verify_backup(info.path) == []
    if sibling.name != name:
        assert (sibling / "huiquan.sqlite3").read_bytes() == garbage and len(list(sibling.iterdir())) == 1
    before = state(root)
    backups.restore_backup(DataDir(root), info.path)
    assert state(root)[0]["activities"] == before[0]["activities"]
    result = cli("check", data=root)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"数据文件夹：{root}" in result.stdout and "检查通过" in result.stdout
    titles = sqlite3.connect(root / "huiquan.sqlite3").execute("SELECT title FROM activities").fetchall()
    assert titles == [("奇怪文件夹里的活动",)]
    assert sorted(p.name for p in parent.iterdir()) == sorted({name, sibling.name})


# ---------------------------------------------------------------------------------------------
# 8. No traceback reaches a user


def test_a_data_folder_that_is_a_file(tmp_path) -> None:
    file = tmp_path / "资料.txt"
    file.write_text("不是文件夹", encoding="utf-8")
    for args in (["check"], ["backup"], ["export", "activities", "-o", str(tmp_path / "a.pdf")], ["demo"]):
        result = cli(*args, data=file)
        assert result.returncode == 2 and "是一个文件，不是文件夹" in result.stderr, result.stderr
    assert file.read_text(encoding="utf-8") == "不是文件夹"


def test_a_read_only_data_folder(data, tmp_path) -> None:
    before = state(data)
    out = tmp_path / "out"
    out.mkdir()
    with read_only(data):
        for args in (["check"], ["backup", "-o", str(out)], ["export", "volunteers", "-o", str(out / "v.xlsx")],
                     ["export", "activities", "-o", str(out / "a.pdf")], ["demo"]):
            result = cli(*args, data=data)
            assert result.returncode == 2, result.stdout + result.stderr
            assert "不能写入" in result.stderr and "数据没有任何改动" in result.stderr
    assert state(data) == before and list(out.iterdir()) == []


def test_a_read_only_database_file(data, tmp_path) -> None:
    before = state(data)
    trail = audit_rows(data)
    out = tmp_path / "out"
    out.mkdir()
    source = tmp_path / "旧台账.xlsx"
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["标题", "日期", "类别"])
    book.active.append(["清明祭英烈", "2026/4/4", "传统节日"])
    book.save(source)
    with read_only(data / "huiquan.sqlite3"):
        result = cli("check", data=data)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "只读" in result.stdout and "检索索引没有检查" in result.stdout and "损坏" not in result.stdout
        result = cli("export", "activities", "-o", str(out / "台账.pdf"), data=data)  # no personal data: fine
        assert result.returncode == 0, result.stderr
        for args, word in ((["import", "activities", str(source)], "只读"),
                           (["export", "volunteers", "-o", str(out / "v.xlsx")], "文件没有保存"),
                           (["backup", "-o", str(out)], "只读")):
            result = cli(*args, data=data)
            assert result.returncode == 2 and word in result.stderr, result.stdout + result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["台账.pdf"]
    assert state(data) == before and audit_rows(data) == trail


LIMITED = ("import resource, signal, sys\n"
           "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"  # a write past the limit fails with EFBIG
           "resource.setrlimit(resource.RLIMIT_FSIZE, ({0}, {0}))\n"
           "from huiquan_desk.cli import main\nsys.exit(main(sys.argv[1:]))")


def test_the_disk_fills_while_restore_copies_attachments(data, tmp_path) -> None:
    """The backup carries one large photo; the current data is small, so the safety backup and the
    database fit and the disk fills exactly while the attachments are copied."""
    big = tmp_path / "big"
    ws = open_workspace(DataDir(big))
    try:
        with ws.write() as s:
            large = tmp_path / "large.png"
            from PIL import Image

            Image.frombytes("RGB", (1000, 1000), os.urandom(3_000_000)).save(large)  # noise: ~3 MB as PNG
            assert large.stat().st_size > 2_500_000
            from huiquan_desk.domain.activity import NewAttachment

            activities.create_activity(s, draft(s, title="大照片"), ws.files, [NewAttachment(str(large))])
        archive = backups.create_backup(ws.data, "manual").path
    finally:
        ws.close()
    before = state(data)
    result = subprocess.run([sys.executable, "-c", LIMITED.format(2_000_000), "--data-dir", str(data),
                             "restore", str(archive), "--yes"],
                            env=dict(os.environ, QT_QPA_PLATFORM="offscreen"), capture_output=True, text=True,
                            timeout=120)
    assert "Traceback" not in result.stderr
    assert result.returncode == 2, result.stdout + result.stderr
    assert "恢复没有完成" in result.stderr and "磁盘空间" in result.stderr and "当前数据没有改动" in result.stderr
    assert state(data) == before
    assert not (data / backups.MARKER).exists()
    assert not [p for p in (data / "files").rglob(".incoming-*")]


def test_a_crafted_backup_with_a_quoted_table_name_is_refused(data, tmp_path) -> None:
    from tests.backup_helpers import rewrite_zip

    good = next((data / "backups").glob("huiquan-manual-*.zip"))
    work = tmp_path / "db.sqlite3"
    import zipfile

    with zipfile.ZipFile(good) as zf:
        work.write_bytes(zf.read("huiquan.sqlite3"))
    conn = sqlite3.connect(work)
    conn.execute('CREATE TABLE "x"" ; DROP TABLE activities; --" (a)')
    conn.commit()
    conn.close()
    evil = rewrite_zip(good, tmp_path / "evil.zip", replace={"huiquan.sqlite3": work.read_bytes()})
    before = state(data)
    result = cli("restore", str(evil), "--yes", data=data)
    assert result.returncode == 1 and "不能用来恢复" in result.stderr and "DROP TABLE" in result.stderr
    assert state(data) == before


# ---------------------------------------------------------------------------------------------
# 6. A personal-data export and its audit entry are one act


def test_a_busy_database_refuses_the_export_and_leaves_no_file(data, tmp_path) -> None:
    """Another program holds the write lock past the timeout: the roster is not left behind."""
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sqlite3, sys, time\n"
         "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
         "c.execute('BEGIN IMMEDIATE')\nprint('LOCKED', flush=True)\ntime.sleep(60)\n",
         str(data / "huiquan.sqlite3")], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "LOCKED"
        trail = audit_rows(data)
        out = tmp_path / "花名册.xlsx"
        result = cli("export", "volunteers", "-o", str(out), data=data)
        assert result.returncode == 2, result.stdout + result.stderr
        assert "操作日志无法写入" in result.stderr and "文件没有保存" in result.stderr
        assert not out.exists() and not list(tmp_path.glob(".花名册*"))
    finally:
        holder.kill()
        holder.wait()
    assert audit_rows(data) == trail


def test_a_file_that_cannot_be_written_gets_no_audit_entry(data, tmp_path) -> None:
    trail = audit_rows(data)
    out = tmp_path / "out"
    out.mkdir()
    with read_only(out):
        result = cli("export", "volunteers", "-o", str(out / "花名册.xlsx"), data=data)
    assert result.returncode == 2 and "无法写入" in result.stderr, result.stderr
    assert audit_rows(data) == trail and list(out.iterdir()) == []


# ---------------------------------------------------------------------------------------------
# 7. Sign-in means sign-in everywhere


def test_sign_in_on_the_command_line(data, tmp_path) -> None:
    before = state(data)
    first = cli("user", "add", "editor1", "--role", "editor", data=data, HUIQUAN_NEW_PASSWORD="secret-1")
    assert first.returncode == 2 and "第一个账号必须是管理员" in first.stderr
    made = cli("user", "add", "admin", "--role", "admin", "--display-name", "林秀英", data=data,
               HUIQUAN_NEW_PASSWORD="admin-pass-1")
    assert made.returncode == 0, made.stderr
    # From now on a write needs a sign-in.
    refused = cli("user", "add", "chen", "--role", "editor", data=data, HUIQUAN_NEW_PASSWORD="chen-pass-1")
    assert refused.returncode == 2 and "请先登录" in refused.stderr and "--user" in refused.stderr
    wrong = cli("--user", "admin", "user", "add", "chen", "--role", "editor", data=data,
                HUIQUAN_PASSWORD="wrong-password", HUIQUAN_NEW_PASSWORD="chen-pass-1")
    assert wrong.returncode == 2 and "用户名或密码不正确" in wrong.stderr
    no_password = cli("--user", "admin", "user", "list", data=data)
    assert no_password.returncode == 2 and "HUIQUAN_PASSWORD" in no_password.stderr
    for name, role, display in (("chen", "editor", "陈晓燕"), ("wang", "viewer", "王堃")):
        ok = cli("--user", "admin", "user", "add", name, "--role", role, "--display-name", display, data=data,
                 HUIQUAN_PASSWORD="admin-pass-1", HUIQUAN_NEW_PASSWORD=f"{name}-pass-1")
        assert ok.returncode == 0, ok.stderr
    listed = cli("--user", "admin", "user", "list", data=data, HUIQUAN_PASSWORD="admin-pass-1")
    assert listed.returncode == 0 and "陈晓燕" in listed.stdout and "查看" in listed.stdout
    not_admin = cli("--user", "chen", "user", "list", data=data, HUIQUAN_PASSWORD="chen-pass-1")
    assert not_admin.returncode == 2 and "只有管理员" in not_admin.stderr

    source = tmp_path / "旧台账.xlsx"
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["标题", "日期", "类别"])
    book.active.append(["清明祭英烈", "2026/4/4", "传统节日"])
    book.save(source)
    roster = tmp_path / "花名册.xlsx"
    # Nobody signed in: reads and plain prints only.
    assert cli("import", "activities", str(source), data=data).returncode == 2
    nobody = cli("export", "volunteers", "-o", str(roster), data=data)
    assert nobody.returncode == 2 and "请先登录" in nobody.stderr and not roster.exists()
    assert cli("backup", data=data).returncode == 2
    assert cli("export", "activities", "-o", str(tmp_path / "a.pdf"), data=data).returncode == 0
    assert state(data)[0]["activities"] == before[0]["activities"]
    # A viewer prints but does not write; an editor writes.
    viewer = cli("--user", "wang", "import", "activities", str(source), data=data, HUIQUAN_PASSWORD="wang-pass-1")
    assert viewer.returncode == 2 and "只能查看和打印" in viewer.stderr
    printed = cli("--user", "wang", "export", "volunteers", "-o", str(roster), data=data, HUIQUAN_PASSWORD="wang-pass-1")
    assert printed.returncode == 0 and roster.is_file(), printed.stderr
    imported = cli("--user", "CHEN", "import", "activities", str(source), data=data, HUIQUAN_PASSWORD="chen-pass-1")
    assert imported.returncode == 0, imported.stderr
    # Passwords and disabling.
    changed = cli("--user", "admin", "user", "passwd", "chen", data=data, HUIQUAN_PASSWORD="admin-pass-1",
                  HUIQUAN_NEW_PASSWORD="chen-pass-2")
    assert changed.returncode == 0, changed.stderr
    assert cli("--user", "chen", "backup", data=data, HUIQUAN_PASSWORD="chen-pass-1").returncode == 2
    assert cli("--user", "chen", "backup", data=data, HUIQUAN_PASSWORD="chen-pass-2").returncode == 0
    off = cli("--user", "admin", "user", "disable", "chen", data=data, HUIQUAN_PASSWORD="admin-pass-1")
    assert off.returncode == 0, off.stderr
    gone = cli("--user", "chen", "backup", data=data, HUIQUAN_PASSWORD="chen-pass-2")
    assert gone.returncode == 2 and "已停用" in gone.stderr
    last = cli("--user", "admin", "user", "disable", "admin", data=data, HUIQUAN_PASSWORD="admin-pass-1")
    assert last.returncode == 2 and "至少要保留一个启用的管理员账号" in last.stderr
    # The trail names accounts, never the operating-system login.
    import getpass

    rows = audit_rows(data)
    os_login = getpass.getuser()
    mine = [r for r in rows if r[1] in ("create", "import", "export", "backup")][-20:]
    users = {r[0] for r in rows if r[1] in ("import", "export", "backup")}
    assert users >= {"王堃", "陈晓燕"} and os_login not in users, users
    assert any(r[0] == "王堃" and r[1] == "export" and "志愿者花名册" in r[3] for r in mine)
    assert any(r[0] == "陈晓燕" and r[1] == "backup" for r in mine)


def test_the_password_is_read_from_the_terminal(data) -> None:
    """With a terminal the password is typed at a prompt (not echoed), not taken from the environment."""
    import pty
    import select

    assert cli("user", "add", "admin", "--role", "admin", data=data, HUIQUAN_NEW_PASSWORD="admin-pass-1").returncode == 0
    pid, fd = pty.fork()
    if pid == 0:  # the child: the command line on a real terminal
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HUIQUAN_PASSWORD="ignored-with-a-terminal")
        os.execve(sys.executable, [sys.executable, "-m", "huiquan_desk", "--data-dir", str(data), "--user", "admin",
                                   "user", "list"], env)
    output = b""

    def read_until(marker: bytes, timeout: float = 60) -> None:
        nonlocal output
        while marker not in output:
            ready, _, _ = select.select([fd], [], [], timeout)
            if not ready:
                raise AssertionError(f"no {marker!r} in {output!r}")
            try:
                chunk = os.read(fd, 1024)
            except OSError:
                break
            if not chunk:
                break
            output += chunk

    read_until("密码：".encode())
    os.write(fd, b"admin-pass-1\n")
    read_until("管理员".encode())
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    assert os.waitstatus_to_exitcode(status) == 0, output.decode(errors="replace")
    assert b"admin-pass-1" not in output.split("密码：".encode(), 1)[1]  # not echoed


def test_without_accounts_the_command_line_works_as_before(data, tmp_path) -> None:
    result = cli("--user", "nobody", "backup", data=data)
    assert result.returncode == 0 and "不需要 --user" in result.stderr, result.stderr
    rows = audit_rows(data)
    import getpass

    assert rows[-1][1] == "backup" and rows[-1][0] == getpass.getuser()


def test_a_manifest_lie_is_not_shown(data, tmp_path) -> None:
    """restore prints what the backup's database holds: a manifest claiming 60 volunteers is refused."""
    from tests.backup_helpers import rewrite_zip

    good = next((data / "backups").glob("huiquan-manual-*.zip"))
    lying = rewrite_zip(good, tmp_path / "lying.zip", manifest_update={"counts": {"volunteers": 60}})
    result = cli("restore", str(lying), "--yes", data=data)
    assert result.returncode == 1 and "记录数与备份里的数据库不一致" in result.stderr
    honest = cli("restore", str(good), "--yes", data=data)
    assert honest.returncode == 0, honest.stderr
    assert "志愿者 2 名" in honest.stdout
    assert json.loads(json.dumps(honest.stdout))  # printable
