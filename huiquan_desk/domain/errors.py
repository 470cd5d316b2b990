"""Every failure a user may see is one of these; the UI shows them in one place, in Chinese."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

# Long work reports (done, total) through this; after the user cancels, the call raises Cancelled.
Progress = Callable[[int, int], None]


class HuiquanError(Exception):
    """Base of user-visible failures. `str(err)` is a Chinese sentence saying what to do."""

    title = "操作未完成"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input: which row (1-based, as the user sees it) and field."""

    field: str
    message: str
    row: int | None = None

    def __str__(self) -> str:
        where = f"第 {self.row} 行「{self.field}」" if self.row is not None else f"「{self.field}」"
        return f"{where}：{self.message}"


class ValidationError(HuiquanError):
    title = "输入有误"

    def __init__(self, problems: list[Problem] | Problem):
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    @classmethod
    def single(cls, field: str, message: str, row: int | None = None) -> ValidationError:
        return cls(Problem(field, message, row))


class NotFoundError(HuiquanError):
    title = "找不到记录"


class StorageError(HuiquanError):
    """The environment failed (disk full, read-only folder, damaged database), not the program."""

    title = "存储出错"


class PermissionDenied(HuiquanError):
    title = "没有权限"


class Cancelled(HuiquanError):
    title = "已取消"

    def __init__(self, message: str = "操作已取消，没有写入任何数据。"):
        super().__init__(message)
