"""Keeping a bank's report batches tidy: a batch whose process died is marked failed, and a finished
batch's PDFs are deleted after the retention period.

A batch runs on a thread of the web process that took its file; if that process dies (a restart, a
crash) the batch stays queued or running with nobody working on it. It is not resumed: a bank that
still wants the missing reports uploads the file again (reports already issued stay valid and
downloadable). It is marked failed once it has made no progress for REPORT_BATCH_STALL_MINUTES (a
chunk of CHUNK reports takes seconds), when the bank opens its batches or when `registry reports
purge-batches` runs, whichever comes first. Deciding by time, not at start-up, is safe with several
web processes: one starting up cannot tell another's running batch from a dead one.
"""

import shutil
from datetime import timedelta

from sqlalchemy import or_, select, update

from ..db import utcnow
from ..runtime import settings
from ..uow import UnitOfWork, transactional
from .batches import DONE, FAILED, QUEUED, RUNNING, batch_folder
from .models import ReportBatch

STALLED_ZH = ("批量任务处理中断（服务曾重启），未完成的代码未出具报告；已出具的报告仍可下载。"
              "如需其余报告，请重新上传文件。")


@transactional
def fail_stalled(*, uow: UnitOfWork) -> list[int]:
    """Mark failed every queued or running batch that has not moved for REPORT_BATCH_STALL_MINUTES; their ids."""
    now = utcnow()
    cutoff = now - timedelta(minutes=settings().REPORT_BATCH_STALL_MINUTES)
    last_moved = ReportBatch.progressed_at.is_(None) & (ReportBatch.created_at < cutoff)
    stalled = list(uow.session.scalars(select(ReportBatch.id).where(
        ReportBatch.state.in_((QUEUED, RUNNING)), or_(ReportBatch.progressed_at < cutoff, last_moved))))
    if stalled:
        uow.session.execute(update(ReportBatch).where(ReportBatch.id.in_(stalled),
                                                      ReportBatch.state.in_((QUEUED, RUNNING)))
                            .values(state=FAILED, message_zh=STALLED_ZH, finished_at=now))
        for batch_id in stalled:
            uow.audit("report_batch.stalled", None, "report_batch", batch_id)
    return stalled


@transactional
def purge_batch_files(days: int | None = None, *, uow: UnitOfWork) -> list[int]:
    """Delete the PDFs of batches finished more than `days` (REPORT_BATCH_RETENTION_DAYS) ago; the ids
    of the batches whose files went. Their rows and summaries stay (the reports verify by number)."""
    days = settings().REPORT_BATCH_RETENTION_DAYS if days is None else days
    cutoff = utcnow() - timedelta(days=days)
    old = uow.session.scalars(select(ReportBatch).where(ReportBatch.state.in_((DONE, FAILED)),
                                                        ReportBatch.finished_at < cutoff,
                                                        ReportBatch.files_deleted_at.is_(None))).all()
    for batch in old:
        shutil.rmtree(batch_folder(batch.id), ignore_errors=True)
        batch.files_deleted_at = utcnow()
    return [batch.id for batch in old]
