"""Materials of an application: size and type limits, storage by content hash (SPEC §5)."""

import hashlib
import os
import tempfile
from datetime import date
from pathlib import Path

from ..access.services import Viewer
from ..errors import FieldError, Forbidden, NotFound, RegistryError, ValidationFailed
from ..runtime import settings
from ..uow import UnitOfWork, transactional
from . import rules
from .models import RepairApplication, RepairMaterial
from .presenters import present_application
from .services import missing_of, take_step, visible_application

# Types are told from the first bytes, not from what the client claims.
SIGNATURES = ((b"%PDF-", "application/pdf"), (b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "image/png"))
UPLOAD_STATES = frozenset({rules.SUBMITTED, rules.AWAITING_MATERIALS})


class TooLarge(RegistryError):
    status = 413
    code = "file_too_large"
    title = "Payload too large"


class UnsupportedType(RegistryError):
    status = 415
    code = "unsupported_file_type"
    title = "Unsupported media type"


def storage_dir() -> Path:
    return Path(settings().INSTANCE_DIR) / "repair-materials"


def stored_path(sha256: str) -> Path:
    """Where the store keeps a file (repair materials and objection attachments alike) by its SHA-256."""
    return storage_dir() / sha256[:2] / sha256


@transactional
def upload_material(viewer: Viewer, application_id: int, request, today: date, *, uow: UnitOfWork) -> dict:
    """Store one file of a multipart request for the applicant; the last missing item completes a
    容缺 acceptance."""
    application = visible_application(viewer, application_id)
    if viewer.role not in rules.APPLICANT:
        raise Forbidden(message_en="only the applicant uploads materials", message_zh="只有申请人可以上传材料",
                        code="role_forbidden")
    limit = settings().REPAIR_UPLOAD_MAX_BYTES
    if request.content_length is not None and request.content_length > limit + 64 * 1024:  # multipart overhead
        raise _too_large(limit)
    return _add(uow, viewer, application, [(request.form.get("kind"), request.files.get("file"))], today)


@transactional
def add_materials(viewer: Viewer, application_id: int, uploads: list, today: date, *, uow: UnitOfWork) -> dict:
    """Store several files at once, [(kind, uploaded file)], all or none (a workspace form's)."""
    application = visible_application(viewer, application_id)
    if viewer.role not in rules.APPLICANT:
        raise Forbidden(message_en="only the applicant uploads materials", message_zh="只有申请人可以上传材料",
                        code="role_forbidden")
    return _add(uow, viewer, application, uploads, today)


def _add(uow: UnitOfWork, viewer: Viewer, application: RepairApplication, uploads: list, today: date) -> dict:
    limit = settings().REPAIR_UPLOAD_MAX_BYTES
    for kind, upload in uploads:
        _check_form(kind, upload, application)
        sha256, size, content_type = store(upload.stream, limit)
        uow.session.add(RepairMaterial(application_id=application.id, kind=kind,
                                       filename=safe_name(upload.filename), content_type=content_type, size=size,
                                       sha256=sha256, uploaded_by=viewer.principal_id))
    uow.session.flush()
    if application.state == rules.AWAITING_MATERIALS and not set(missing_of(application)) & set(
            application.missing_materials or ()):
        step = rules.transition(application.state, "complete", rules.SYSTEM)
        take_step(uow, application, step, {"missing_materials": []}, viewer, None, application.version, today)
    return present_application(application, viewer, today)


@transactional
def open_material(viewer: Viewer, application_id: int, material_id: int, *,
                  uow: UnitOfWork) -> tuple[RepairMaterial, Path]:
    """A material of an application the viewer may follow, and where its file is; each opening is
    logged with who and when (SPEC §6: reading non-public data is logged)."""
    application = visible_application(viewer, application_id)
    return open_case_file(uow, viewer, RepairMaterial, material_id, "application_id", application.id,
                          NotFound(message_en=f"no material {material_id} in application {application_id}",
                                   message_zh="该申请没有这份材料", code="material_not_found"),
                          "repair_material", lambda m: {"application": application.number, "kind": m.kind})


def open_case_file(uow: UnitOfWork, viewer: Viewer, model, file_id: int, case_column: str, case_id: int,
                   missing: NotFound, audit_type: str, details) -> tuple:
    """A stored file (repair material, objection attachment) of a case the viewer may see, and where
    it is, with the opening in the audit trail (`details(file)` says what). The credit centre's
    administrators keep the system, not cases: to them, as to strangers, the file does not exist."""
    found = uow.session.get(model, file_id)
    if found is None or getattr(found, case_column) != case_id or (
            viewer.is_credit_centre and not viewer.reads_personal_data):
        raise missing
    uow.audit(f"{audit_type}.view", viewer, audit_type, found.id, details(found))
    return found, stored_path(found.sha256)


def _check_form(kind, upload, application: RepairApplication) -> None:
    errors = []
    if kind not in rules.MATERIAL_KINDS:
        errors.append(FieldError("kind", "invalid", message_zh=f"材料类别应为：{'、'.join(rules.MATERIAL_KINDS)}",
                                 message_en=f"kind must be one of {', '.join(rules.MATERIAL_KINDS)}", value=kind))
    if upload is None or not upload.filename:
        errors.append(FieldError("file", "required", message_zh="请选择要上传的文件", message_en="a file is required"))
    if errors:
        raise ValidationFailed(message_en="the upload is incomplete", message_zh="上传内容不完整", errors=errors)
    if application.state not in UPLOAD_STATES:
        raise ValidationFailed(message_en="materials can only be added before the application is accepted in full",
                               message_zh="该申请当前状态不能再补充材料", code="materials_closed")


def store(stream, limit: int) -> tuple[str, int, str]:
    """Copy the stream to the store (refusing it past `limit` bytes or of another type)."""
    directory = storage_dir()
    directory.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    with tempfile.NamedTemporaryFile(dir=directory, delete=False) as tmp:
        try:
            head = stream.read(16)
            content_type = next((t for sig, t in SIGNATURES if head.startswith(sig)), None)
            if content_type is None:
                raise UnsupportedType(message_en="only PDF, JPEG and PNG files are accepted",
                                      message_zh="仅接受 PDF、JPEG、PNG 格式的文件")
            chunk = head
            while chunk:
                size += len(chunk)
                if size > limit:
                    raise _too_large(limit)
                digest.update(chunk)
                tmp.write(chunk)
                chunk = stream.read(1 << 16)
        except RegistryError:
            os.unlink(tmp.name)
            raise
    sha256 = digest.hexdigest()
    target = stored_path(sha256)
    target.parent.mkdir(exist_ok=True)
    os.replace(tmp.name, target)  # the same content always lands on the same name
    return sha256, size, content_type


def _too_large(limit: int) -> TooLarge:
    return TooLarge(message_en=f"a file may have at most {limit} bytes",
                    message_zh=f"单个文件不得超过{limit // (1024 * 1024)}MB")


def safe_name(filename: str) -> str:
    return Path(filename.replace("\\", "/")).name[:255] or "file"
