"""The one place user-visible failures are shown, and destructive steps confirmed."""

from __future__ import annotations

import logging

from PySide6.QtWidgets import QInputDialog, QLineEdit, QMessageBox, QWidget

from huiquan_desk.domain.errors import Cancelled, HuiquanError, ValidationError

log = logging.getLogger("huiquan_desk.ui")


def show_error(parent: QWidget | None, error: BaseException) -> None:
    if isinstance(error, Cancelled):
        QMessageBox.information(parent, error.title, str(error))
        return
    if isinstance(error, HuiquanError):
        QMessageBox.warning(parent, error.title, str(error))
        return
    log.error("unexpected error", exc_info=(type(error), error, error.__traceback__))
    QMessageBox.critical(
        parent, "程序出错",
        f"发生了意外错误：{error}\n\n这一步操作没有完成（未提交的修改已撤销）。详细信息已写入数据文件夹的 "
        "logs/huiquan.log，请把该文件发给技术支持。",
    )


def place_problems(parent: QWidget | None, form, error: ValidationError) -> None:
    """Show each problem under its field in `form`; any that has no field there in one message."""
    unplaced = [p for p in error.problems if not form.show_error(p.field, p.message)]
    if unplaced:
        show_error(parent, ValidationError(unplaced))


def write_from_form(parent: QWidget | None, ws, form, action) -> bool:
    """Run `action(session)` as one unit of work for a form: problems go under their fields,
    other failures to the one message box. True when it was saved."""
    form.clear_errors()
    try:
        with ws.write() as session:
            action(session)
    except ValidationError as err:
        place_problems(parent, form, err)
        return False
    except HuiquanError as err:
        show_error(parent, err)
        return False
    return True


def confirm(parent: QWidget | None, title: str, text: str, ok: str = "确定") -> bool:
    """Ask before a destructive step. Tests replace this function."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=parent)
    yes = box.addButton(ok, QMessageBox.ButtonRole.DestructiveRole)
    box.addButton("取消", QMessageBox.ButtonRole.RejectRole)
    box.exec()
    return box.clickedButton() is yes


def ask_text(parent: QWidget, title: str, label: str, text: str = "") -> str | None:
    """One line of text from the user (a name, a reason), or None. Tests replace it where it is used."""
    value, ok = QInputDialog.getText(parent, title, label, QLineEdit.EchoMode.Normal, text)
    return value if ok else None


def ask_number(parent: QWidget, title: str, label: str, value: int, top: int) -> int | None:
    """A whole number from 1 to `top`, or None. Tests replace it where it is used."""
    number, ok = QInputDialog.getInt(parent, title, label, value, 1, max(1, top))
    return number if ok else None
