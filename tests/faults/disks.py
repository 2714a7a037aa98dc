"""A small file system of its own mounted over a folder, for the disk-full drill (root only: `mount -t tmpfs`)."""

import subprocess
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def small_disk(folder: Path, size: str):
    """`folder` on a tmpfs of `size` (mount's notation: 1m) for the block; unmounted after it, showing the
    folder's own files again. A machine where mounting is refused fails the drill: it is not skipped."""
    folder.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(folder)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        raise RuntimeError(f"the disk-full drill mounts a tmpfs (as root): mount said {mounted.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "--lazy", str(folder)], check=True)
