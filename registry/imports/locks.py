"""A per-job lock that its holder's death releases, so a killed import can be resumed at once."""

from ..locks import ProcessLock

_NAMESPACE = 0x494D_0000_0000  # keeps import-job keys apart from any other advisory lock


class JobLock(ProcessLock):
    def __init__(self, job_id: int, instance_dir: str):
        super().__init__(_NAMESPACE + job_id, f"import-{job_id}.lock", instance_dir)
        self.job_id = job_id
