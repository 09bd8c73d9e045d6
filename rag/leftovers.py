"""Removal of temporary files left behind by processes that were killed mid-write."""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

log = logging.getLogger(__name__)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_leftovers(folder: Path, prefix: str) -> list[Path]:
    """Delete `folder/<prefix><pid>` entries whose process is gone; returns what was removed."""
    removed = []
    if not folder.is_dir():
        return removed
    for path in folder.glob(f"{prefix}*"):
        pid = path.name[len(prefix):]
        if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
            shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)
            log.info("removed %s, left by an interrupted process", path)
            removed.append(path)
    return removed
