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
    """Every problem of the input, kept in `.problems`; its message lists at most the first
    LISTED of them (a file of 200,000 bad rows gives a summary, not megabytes of text)."""

    title = "输入有误"
    LISTED = 200

    def __init__(self, problems: list[Problem] | Problem):
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        super().__init__(self.summary(self.problems))

    @property
    def listed(self) -> list[Problem]:
        """The problems the message shows."""
        return self.problems[:self.LISTED]

    @classmethod
    def more_line(cls, problems: list[Problem]) -> str:
        """「……另有 N 个问题未列出（共 M 个）」 when there are more than LISTED problems, else ''."""
        hidden = len(problems) - cls.LISTED
        return f"……另有 {hidden} 个问题未列出（共 {len(problems)} 个）" if hidden > 0 else ""

    @classmethod
    def summary(cls, problems: list[Problem]) -> str:
        """One line per problem, at most LISTED lines, then the more_line. A lone surrogate quoted
        from the input is shown as U+FFFD, so the message itself can always be printed or logged."""
        lines = [str(p) for p in problems[:cls.LISTED]]
        if more := cls.more_line(problems):
            lines.append(more)
        text = "\n".join(lines)
        return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")

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
