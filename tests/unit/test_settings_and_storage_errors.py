"""Community profile rules, attachment store failures, and concurrent writers."""

import threading

import pytest
from sqlalchemy import event, text

from huiquan_desk.domain.errors import StorageError, ValidationError
from huiquan_desk.services.settings import CommunityProfile, get_profile, save_profile
from huiquan_desk.storage.files import FileStore


@pytest.mark.parametrize("code,ok", [("0194", True), ("０１９４", True), ("a1b2", True), ("惠泉社区", False),
                                     ("019", False), ("01945", False), ("01 4", False)])
def test_fonds_code(ws, code, ok) -> None:
    profile = CommunityProfile(name="惠泉社区", fonds_code=code)
    if ok:
        with ws.write() as s:
            save_profile(s, profile)
        with ws.read() as s:
            assert get_profile(s).fonds_code == code.replace("０", "0").replace("１", "1").replace("９", "9").replace("４", "4").upper()
    else:
        with pytest.raises(ValidationError) as err, ws.write() as s:
            save_profile(s, profile)
        assert err.value.problems[0].field == "全宗号"


def test_profile_needs_a_name(ws) -> None:
    with pytest.raises(ValidationError) as err, ws.write() as s:
        save_profile(s, CommunityProfile(fonds_code="0194"))
    assert [p.field for p in err.value.problems] == ["社区名称"]


def test_file_store_reports_storage_errors(tmp_path) -> None:
    blocker = tmp_path / "files"
    blocker.write_text("not a folder")  # the store cannot create its folders
    source = tmp_path / "a.jpg"
    source.write_bytes(b"photo")
    with pytest.raises(StorageError) as err:
        FileStore(blocker).add(source)
    assert "无法保存附件 a.jpg" in str(err.value)
    with pytest.raises(StorageError):
        FileStore(blocker).add_bytes(b"x", ".png")


def test_a_second_writer_waits_for_the_first(ws) -> None:
    """Units of work take the write lock up front, so a second one waits instead of failing."""
    order = []
    first_holds_the_lock, second_asks_for_it = threading.Event(), threading.Event()
    main = threading.current_thread()

    def spot_the_second(conn, cursor, statement, *args) -> None:  # type: ignore[no-untyped-def]
        if statement.startswith("BEGIN IMMEDIATE") and threading.current_thread() is main:
            second_asks_for_it.set()  # its BEGIN IMMEDIATE runs (and blocks) right after this

    def first() -> None:
        with ws.write() as s:
            s.execute(text("INSERT INTO settings(key, value) VALUES ('first', '1')"))
            order.append("first wrote")
            first_holds_the_lock.set()
            if not second_asks_for_it.wait(10):
                order.append("the second writer never began")
        order.append("first committed")

    event.listen(ws.engine, "before_cursor_execute", spot_the_second)
    thread = threading.Thread(target=first)
    try:
        thread.start()
        assert first_holds_the_lock.wait(10)
        with ws.write() as s:  # starts while the first holds the write lock
            s.execute(text("SELECT count(*) FROM settings")).scalar()  # read first, then write
            s.execute(text("INSERT INTO settings(key, value) VALUES ('second', '2')"))
            order.append("second wrote")
    finally:
        thread.join(10)
        event.remove(ws.engine, "before_cursor_execute", spot_the_second)
    assert order == ["first wrote", "first committed", "second wrote"]
