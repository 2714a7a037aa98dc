"""What a department's files may cost the platform: a workbook that unpacks too far is refused when it
is uploaded, a department's uploads over any 24 hours are capped, an import that rejects too many of
its rows stops, and uploaded files are deleted once they are old."""

import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

from ..db import as_utc, utcnow
from ..errors import ContentTooLarge, RegistryError
from ..extensions import db
from ..runtime import settings
from .models import QUEUED, RUNNING, ImportJob
from .readers import ArchiveLimits, ImportFileError, check_archive

DAY = timedelta(hours=24)
MB = 1024 * 1024


class QuotaExceeded(RegistryError):
    status = 429
    code = "import_quota_exceeded"
    title = "Too many requests"


class TooManyRejections(ImportFileError):
    """An import stopped because too many of its rows were rejected."""


@dataclass(frozen=True)
class RejectionLimit:
    """An import stops once it has rejected more than `rows` rows, or, once it has read `after`
    rows, more than `percent` per cent of those it read."""

    rows: int
    percent: int
    after: int

    @classmethod
    def of(cls, config) -> "RejectionLimit":
        return cls(config.IMPORT_MAX_REJECTED_ROWS, config.IMPORT_MAX_REJECTED_PERCENT,
                   config.IMPORT_REJECTED_SHARE_AFTER)

    def check(self, rejected: int, read: int) -> None:
        """Raise TooManyRejections when `rejected` of `read` rows is past the limit."""
        if rejected > self.rows or (read >= self.after and rejected * 100 > self.percent * read):
            raise TooManyRejections(
                message_en=f"too many rejected rows, the import was stopped: {rejected} of {read} rows read were "
                f"rejected (at most {self.rows} rows or {self.percent}% are accepted); fix the file as the error "
                "report says and upload it again",
                message_zh=f"拒绝行过多，导入已停止：已读取{read}行，其中{rejected}行被拒绝（上限为{self.rows}行或"
                f"{self.percent}%）；请按错误报告修正文件后重新上传",
                code="too_many_rejections")


def check_workbook(path: Path) -> None:
    """Refuse (413) an uploaded workbook that would unpack beyond the configured limits, before it
    becomes a job; other files pass (their reader streams them)."""
    with open(path, "rb") as stream:
        try:
            check_archive(stream, ArchiveLimits.of(settings()))
        except ImportFileError as exc:
            raise ContentTooLarge(message_en=exc.message_en, message_zh=exc.message_zh, code=exc.code) from None


def check_daily_quota(department_id: int, size: int) -> None:
    """Refuse a department's upload that would take its uploads over the last 24 hours past
    IMPORT_DAILY_BYTES: 413 for a file larger than the quota itself, else 429 with the seconds until
    enough of the earlier uploads are older than a day."""
    quota = settings().IMPORT_DAILY_BYTES
    if size > quota:
        raise ContentTooLarge(
            message_en=f"the file ({size // MB} MB) is larger than a department's daily upload quota "
            f"({quota // MB} MB); split it",
            message_zh=f"文件（{size // MB} MB）超过每个部门每日上传限额（{quota // MB} MB），请拆分后上传",
            code="import_quota_exceeded")
    now = utcnow()
    recent = db.session.execute(
        select(ImportJob.created_at, ImportJob.size)
        .where(ImportJob.department_id == department_id, ImportJob.principal_id.is_not(None),
               ImportJob.created_at > now - DAY).order_by(ImportJob.created_at)).all()
    used = sum(earlier for _, earlier in recent)
    if used + size <= quota:
        return
    for created_at, earlier in recent:  # the oldest leave the window first
        used -= earlier
        if used + size <= quota:
            wait = max(int((as_utc(created_at) + DAY - now).total_seconds()) + 1, 1)
            break
    raise QuotaExceeded(
        message_en=f"the department's uploads of the last 24 hours and this file would exceed its daily quota "
        f"({quota // MB} MB); try again in {wait} s",
        message_zh=f"本部门24小时内的上传量加上此文件将超过每日限额（{quota // MB} MB），请{_hours(wait)}后再试",
        headers={"Retry-After": str(wait)})


def _hours(seconds: int) -> str:
    return f"{seconds // 3600}小时{seconds % 3600 // 60}分钟" if seconds >= 3600 else f"{max(seconds // 60, 1)}分钟"


def purge_uploads(instance_dir: str, days: int | None = None) -> list[Path]:
    """Delete the uploaded files (and abandoned partial uploads) last written more than `days`
    (IMPORT_RETENTION_DAYS) ago, but for those a queued or running job reads; return what went. A
    failed job resumes from the same file uploaded again, which stores it again."""
    days = settings().IMPORT_RETENTION_DAYS if days is None else days
    folder = Path(instance_dir) / "uploads"
    if not folder.is_dir():
        return []
    needed = set(db.session.scalars(select(ImportJob.path).where(ImportJob.state.in_((QUEUED, RUNNING)))))
    cutoff = time.time() - days * 86400
    gone = []
    for path in sorted(folder.iterdir()):
        if path.is_file() and path.stat().st_mtime < cutoff and str(path) not in needed:
            path.unlink()
            gone.append(path)
    return gone


def unused(path: Path) -> bool:
    """No job reads this stored upload (the same content is stored once, whoever sent it)."""
    return not db.session.scalar(select(func.count()).select_from(ImportJob).where(ImportJob.path == str(path)))
