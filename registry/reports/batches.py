"""A bank's reports in bulk: a CSV of credit codes becomes one signed report (and its PDF) for each
enterprise that has authorised the bank, through the same request the API serves one report by.

A code the bank is not authorised for says "未授权" and nothing else; a malformed one says what is
wrong with it. The batch commits every CHUNK codes with its progress, so its page can show it.
"""

import csv
import io
import logging
import multiprocessing
import shutil
import tempfile
import zipfile
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from pathlib import Path

from sqlalchemy import select, update

from ..access.models import Principal
from ..access.services import Viewer
from ..db import utcnow
from ..domain import uscc as uscc_rules
from ..domain.text import spreadsheet_safe
from ..errors import Forbidden, NotFound, RegistryError, ValidationFailed
from ..extensions import db
from ..runtime import settings, today
from ..uow import UnitOfWork, transactional, unit_of_work
from . import services
from .models import Report, ReportBatch, ReportBatchItem
from .pdf import write_pdf

log = logging.getLogger(__name__)
QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
PENDING, ISSUED, NOT_AUTHORISED, MALFORMED, DUPLICATE = "pending", "issued", "not_authorised", "malformed", "duplicate"
FAILED_ITEM = "failed"
NOT_AUTHORISED_ZH = "未授权"
MAX_CODES = 2000
MAX_FILE_BYTES = 1024 * 1024
CHUNK = 20
SUMMARY_COLUMNS = ("行号", "统一社会信用代码", "主体名称", "报告编号", "验证码", "有记录的领域", "错误")


class FilesDeleted(RegistryError):
    status = 410
    code = "report_batch_files_deleted"
    title = "Gone"


def _refused(message_zh: str, message_en: str, code: str) -> ValidationFailed:
    return ValidationFailed(message_en=message_en, message_zh=message_zh, code=code)


def read_codes(data: bytes) -> list[tuple[int, str]]:
    """(line, code as typed) of each line's first cell; a first line without a digit is a header."""
    if len(data) > MAX_FILE_BYTES:
        raise _refused("文件过大：每批最多 2000 个代码（1 MB）", "the file is larger than 1 MB", "file_too_large")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise _refused("文件编码无法识别，请保存为 UTF-8 或 GB18030 编码的 CSV", "not UTF-8 or GB18030 text",
                       "bad_encoding")
    codes = []
    for line, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        cell = next((value.strip() for value in row if value.strip()), "")
        if cell and not (line == 1 and not any(char.isdigit() for char in cell)):
            codes.append((line, cell[:64]))
    if not codes:
        raise _refused("文件中没有统一社会信用代码：每行第一列填写一个代码", "no codes in the file", "no_codes")
    if len(codes) > MAX_CODES:
        raise _refused(f"每批最多 {MAX_CODES} 个代码，本文件有 {len(codes)} 个", "too many codes", "too_many_codes")
    return codes


def _items(codes: list[tuple[int, str]]) -> list[ReportBatchItem]:
    """An item per code: malformed and repeated ones decided at once, the rest pending."""
    items, first_line = [], {}
    for line, typed in codes:
        item = ReportBatchItem(line=line, typed=typed, outcome=PENDING)
        try:
            item.uscc = uscc_rules.validate(typed)
        except uscc_rules.InvalidUSCC as exc:
            item.outcome, item.message_zh = MALFORMED, exc.message_zh
        else:
            if item.uscc in first_line:
                item.outcome, item.message_zh = DUPLICATE, f"与第{first_line[item.uscc]}行重复"
            first_line.setdefault(item.uscc, line)
        items.append(item)
    return items


@transactional
def start_batch(viewer: Viewer, filename: str, data: bytes, scope: dict, day: date, *,
                uow: UnitOfWork) -> ReportBatch:
    """A queued batch of the file's codes; the file and the scope are checked whole first."""
    if viewer.role != "bank" or not viewer.uscc:
        raise Forbidden(message_en="only a bank bound to its credit code requests reports in bulk",
                        message_zh="本账号未绑定金融机构的统一社会信用代码，不能批量查询", code="bank_not_bound")
    services.check_scope(scope, day)
    items = _items(read_codes(data))
    decided = sum(1 for item in items if item.outcome != PENDING)
    stored_scope = {"period_from": scope["period_from"].isoformat() if scope.get("period_from") else None,
                    "domains": list(scope.get("domains") or [])}
    batch = ReportBatch(bank_uscc=viewer.uscc, principal_id=viewer.principal_id, filename=filename[:255],
                        scope=stored_scope, state=QUEUED, total=len(items), done=decided, issued=0)
    uow.session.add(batch)
    uow.session.flush()
    for item in items:
        item.batch_id = batch.id
    uow.session.add_all(items)
    uow.audit("report_batch.start", viewer, "report_batch", batch.id, {"codes": len(items)})
    return batch


def run_batch(batch_id: int, base_url: str) -> ReportBatch | None:
    """Issue the batch's pending reports and write their PDFs; None if another run holds the batch."""
    with unit_of_work() as uow:
        claimed = uow.session.execute(update(ReportBatch).where(ReportBatch.id == batch_id, ReportBatch.state == QUEUED)
                                      .values(state=RUNNING, progressed_at=utcnow())).rowcount
    if not claimed:
        return None
    batch = db.session.get(ReportBatch, batch_id)
    try:
        _issue_all(batch, base_url)
        state, message = DONE, None
    except Exception as exc:  # a bug or a missing font must not leave the batch running for ever
        log.exception("report batch %s stopped", batch_id)
        db.session.rollback()
        state, message = FAILED, f"批量任务意外中断（{exc.__class__.__name__}）；已出具的报告仍可下载"
    with unit_of_work() as uow:
        batch = uow.session.get(ReportBatch, batch_id)
        batch.state, batch.message_zh, batch.finished_at = state, message, utcnow()
    return batch


def _issue_all(batch: ReportBatch, base_url: str) -> None:
    principal = db.session.get(Principal, batch.principal_id)
    viewer = Viewer("bank", principal.id, uscc=batch.bank_uscc)
    scope = {"period_from": date.fromisoformat(batch.scope["period_from"]) if batch.scope["period_from"] else None,
             "domains": batch.scope["domains"]}
    folder = batch_folder(batch.id)
    folder.mkdir(parents=True, exist_ok=True)
    day = today()
    with _PdfWriter(settings().REPORT_BATCH_WORKERS, folder) as pdfs:
        while True:
            items = db.session.scalars(select(ReportBatchItem).where(ReportBatchItem.batch_id == batch.id,
                                                                     ReportBatchItem.outcome == PENDING)
                                       .order_by(ReportBatchItem.line).limit(CHUNK)).all()
            if not items:
                return
            with unit_of_work() as uow:
                for item in items:
                    _issue(uow, viewer, item, scope, day, base_url, pdfs)
                uow.session.execute(update(ReportBatch).where(ReportBatch.id == batch.id).values(
                    done=ReportBatch.done + len(items), progressed_at=utcnow(),
                    issued=ReportBatch.issued + sum(1 for item in items if item.outcome == ISSUED)))


class _PdfWriter:
    """Writes the PDFs of issued reports into the batch's folder: in worker processes (rendering is most
    of a report's cost, and the database work of the next reports goes on meanwhile), or here if none.
    Leaving the block waits for every file, and raises what a worker raised."""

    def __init__(self, workers: int, folder: Path):
        self.folder, self.font = folder, settings().REPORTS_FONT
        # A forkserver: safe to start from a web server's thread, as an import's readers are.
        self._pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("forkserver")) \
            if workers else None
        self._backlog, self._limit = deque(), 4 * workers  # documents held waiting, bounded

    def write(self, document: dict, number: str) -> None:
        path = str(self.folder / f"{number}.pdf")
        if self._pool is None:
            write_pdf(document, self.font, path)
            return
        self._backlog.append(self._pool.submit(write_pdf, document, self.font, path))
        while len(self._backlog) > self._limit:
            self._backlog.popleft().result()

    def __enter__(self):
        return self

    def __exit__(self, failed, *_):
        try:
            while self._backlog and not failed:
                self._backlog.popleft().result()
        finally:
            if self._pool is not None:
                self._pool.shutdown(cancel_futures=True)


def _issue(uow: UnitOfWork, viewer: Viewer, item: ReportBatchItem, scope: dict, day: date, base_url: str,
           pdfs: _PdfWriter) -> None:
    try:
        report, _ = services.request_report(viewer, {"uscc": item.uscc, **scope}, day, uow=uow)
    except Forbidden:
        item.outcome, item.message_zh = NOT_AUTHORISED, NOT_AUTHORISED_ZH
        return
    except RegistryError as exc:
        item.outcome, item.message_zh = FAILED_ITEM, exc.message_zh
        return
    pdfs.write(services.signed_document(report, base_url), report.number)
    content = report.content
    item.outcome, item.report_number, item.name = ISSUED, report.number, content["entity"]["name"]
    item.domains_found = "、".join(section["name_zh"] for section in content["domains"] if section["records"])


def batch_folder(batch_id: int) -> Path:
    return Path(settings().INSTANCE_DIR) / "report-batches" / str(batch_id)


def get_batch(viewer: Viewer, batch_id: int) -> ReportBatch:
    """The bank's own batch; another's, or none, is the same 404."""
    batch = db.session.get(ReportBatch, batch_id)
    if batch is None or viewer.role != "bank" or not viewer.uscc or batch.bank_uscc != viewer.uscc:
        raise NotFound(message_en=f"no report batch {batch_id}", message_zh=f"批量查询任务 {batch_id} 不存在",
                       code="report_batch_not_found")
    return batch


def list_batches(viewer: Viewer, limit: int = 20) -> list[ReportBatch]:
    if viewer.role != "bank" or not viewer.uscc:
        return []
    return db.session.scalars(select(ReportBatch).where(ReportBatch.bank_uscc == viewer.uscc)
                              .order_by(ReportBatch.id.desc()).limit(limit)).all()


def batch_rows(batch_id: int) -> list[dict]:
    """Every item of the batch in file order, with its report's verification code."""
    rows = db.session.execute(select(ReportBatchItem, Report.verification_code)
                              .outerjoin(Report, Report.number == ReportBatchItem.report_number)
                              .where(ReportBatchItem.batch_id == batch_id).order_by(ReportBatchItem.line)).all()
    return [{"line": item.line, "typed": item.typed, "uscc": item.uscc, "outcome": item.outcome,
             "name": item.name, "report_number": item.report_number, "verification_code": code,
             "domains_found": item.domains_found, "message_zh": item.message_zh} for item, code in rows]


def summary_csv(rows: list[dict]) -> str:
    """The summary as a spreadsheet reads it (BOM, formulas defused)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(SUMMARY_COLUMNS)
    for row in rows:
        writer.writerow([spreadsheet_safe(value) for value in (
            row["line"], row["uscc"] or row["typed"], row["name"], row["report_number"], row["verification_code"],
            row["domains_found"] if row["outcome"] == ISSUED else "", row["message_zh"])])
    return "\ufeff" + out.getvalue()


def batch_zip(batch: ReportBatch) -> tempfile.SpooledTemporaryFile:
    """A ZIP of the batch's PDFs and its summary CSV, rewound for sending (not once the PDFs are deleted)."""
    if batch.files_deleted_at is not None:
        raise FilesDeleted(message_en=f"the PDFs of report batch {batch.id} were deleted after the retention period",
                           message_zh="该批次的 PDF 已超过保存期限被删除；汇总表仍可下载，报告可凭编号和验证码核验")
    rows = batch_rows(batch.id)
    folder = batch_folder(batch.id)
    archive = tempfile.SpooledTemporaryFile(max_size=32 * 1024 * 1024)
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        out.writestr("summary.csv", summary_csv(rows))
        for row in rows:
            if row["outcome"] == ISSUED:
                with open(folder / f"{row['report_number']}.pdf", "rb") as pdf, \
                        out.open(f"{row['report_number']}.pdf", "w") as entry:
                    shutil.copyfileobj(pdf, entry)
    archive.seek(0)
    return archive
