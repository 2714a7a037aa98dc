"""Storing uploaded files under the instance directory, named by their content hash, and making
them jobs unless the limits refuse them."""

import errno
import hashlib
import logging
import os
import uuid
from pathlib import Path

from werkzeug.datastructures import FileStorage

from ..departments.models import Department
from ..errors import RegistryError, StorageFull, ValidationFailed
from . import limits, services
from .models import ImportJob

ALLOWED_SUFFIXES = {".csv", ".txt", ".xlsx", ".ndjson", ".jsonl"}
NO_SPACE = (errno.ENOSPC, errno.EDQUOT)
log = logging.getLogger(__name__)


def store(upload: FileStorage, instance_dir: str) -> Path:
    """Stream the upload to disk (never whole in memory); the same content lands on the same path."""
    suffix = Path(upload.filename or "").suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        raise ValidationFailed(message_en=f"unsupported file type {suffix or '(none)'}; send .csv, .xlsx or .ndjson",
                               message_zh=f"不支持的文件类型 {suffix or '（无扩展名）'}，"
                                          "请上传 .csv、.xlsx 或 .ndjson 文件",
                               code="unsupported_file_type")
    folder = Path(instance_dir) / "uploads"
    partial = folder / f".partial-{uuid.uuid4().hex}"
    digest = hashlib.sha256()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with open(partial, "wb") as out:
            while chunk := upload.stream.read(1 << 20):
                digest.update(chunk)
                out.write(chunk)
    except OSError as exc:
        partial.unlink(missing_ok=True)  # a half-written file is no upload: nothing of it stays
        if exc.errno not in NO_SPACE:
            raise
        log.error("an upload was refused: no space left in %s (%s)", folder, exc.strerror)
        raise StorageFull("the uploaded file", "上传的文件") from None
    final = folder / f"{digest.hexdigest()}{suffix}"
    os.replace(partial, final)
    return final


def receive(upload: FileStorage, department: Department, options: dict, principal_id: int,
            instance_dir: str) -> ImportJob:
    """Store an upload and make it a job (or resume the unfinished one of the same file), unless the
    limits refuse it: a workbook that unpacks too far (413) or over the department's daily quota
    (413/429). A refused file is deleted, unless a job reads the same content."""
    path = store(upload, instance_dir)
    try:
        limits.check_workbook(path)
        return services.start_job(department, path, upload.filename, options, principal_id)
    except RegistryError:
        if limits.unused(path):
            path.unlink(missing_ok=True)
        raise
