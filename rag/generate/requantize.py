"""A copy of a GGUF model whose K-quant weights are rewritten in a simpler block format, made once into the cache.

OpenVINO's GGUF reader is built around Q4_0 and Q8_0 blocks, the layouts closest to its own compressed weights
(its documentation recommends them); from K-quants (Q4_K, Q6_K, the bundled model's formats) it builds a model that
holds far more bytes per weight, and decoding on a few cores is bound by the bytes read per token. The gguf package
(the GGUF reference implementation of the llama.cpp project) does the block arithmetic.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from tqdm import tqdm

from ..errors import ModelFileError
from ..leftovers import remove_leftovers

log = logging.getLogger(__name__)

# What each K-quant becomes under each setting: Q4_0 throughout is the smallest and decodes fastest; Q4_1 keeps a
# block's offset as Q4_K does (half Q4_0's added rounding error) and gives the 6-bit tensors 8 bits; Q8_0 adds
# almost no error and decodes slowest.
FORMATS = {
    "Q4_0": {"Q4_K": "Q4_0", "Q6_K": "Q4_0"},
    "Q4_1": {"Q4_K": "Q4_1", "Q6_K": "Q8_0"},
    "Q8_0": {"Q4_K": "Q8_0", "Q6_K": "Q8_0"},
}


def _source_stamp(source: Path, target_type: str) -> str:
    stat = source.stat()
    return f"{source.name} {stat.st_size} {stat.st_mtime_ns} {target_type}"


def requantized_path(source: Path, target_type: str, folder: Path) -> Path:
    return folder / f"{source.stem}.{target_type.lower()}.gguf"


def requantized(source: Path, target_type: str, folder: Path, progress: bool = True) -> Path:
    """`source` with its Q4_K and Q6_K tensors rewritten as FORMATS[target_type] says, written into `folder` the
    first time and reused while the source file is unchanged (its name, size and mtime are recorded beside the
    copy). Other tensors (the float norms and biases) are copied as they are; a source without K-quants is
    returned."""
    if target_type not in FORMATS:
        raise ModelFileError(f"cannot rewrite a model as {target_type!r}; choose one of {', '.join(FORMATS)}")
    target = requantized_path(source, target_type, folder)
    marker = target.with_name(target.name + ".source")
    stamp = _source_stamp(source, target_type)
    if target.is_file() and marker.is_file() and marker.read_text(encoding="utf-8").strip() == stamp:
        return target
    try:
        import gguf
        from gguf.constants import GGMLQuantizationType
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise ModelFileError("the gguf package is not installed (pip install -r requirements.txt)") from exc
    reader = gguf.GGUFReader(str(source))
    formats = {GGMLQuantizationType[k]: GGMLQuantizationType[v] for k, v in FORMATS[target_type].items()}
    if not any(t.tensor_type in formats for t in reader.tensors):
        return source
    folder.mkdir(parents=True, exist_ok=True)
    remove_leftovers(folder, f"{target.name}.part-")
    partial = target.with_name(f"{target.name}.part-{os.getpid()}")
    try:
        _write(reader, partial, formats, progress)
        os.replace(partial, target)
        marker.write_text(stamp + "\n", encoding="utf-8")
    except OSError as exc:
        raise ModelFileError(f"could not write {target} ({exc}): free some disk space there, or set "
                             "openvino_weights = \"\" to load the model as it is") from exc
    finally:
        partial.unlink(missing_ok=True)
    log.info("wrote %s (%.0f MB): %s weights for OpenVINO", target, target.stat().st_size / 1e6, target_type)
    return target


def _write(reader, path: Path, formats: dict, progress: bool) -> None:
    import gguf
    import numpy as np

    architecture = reader.fields[gguf.Keys.General.ARCHITECTURE].contents()
    writer = gguf.GGUFWriter(str(path), architecture)
    for field in reader.fields.values():
        # the writer adds the architecture and the GGUF.* header fields itself
        if field.name == gguf.Keys.General.ARCHITECTURE or field.name.startswith("GGUF."):
            continue
        value_type = field.types[0]
        sub_type = field.types[-1] if value_type == gguf.GGUFValueType.ARRAY else None
        writer.add_key_value(field.name, field.contents(), value_type, sub_type=sub_type)
    for tensor in tqdm(reader.tensors, desc="rewriting model weights", disable=not progress):
        if target := formats.get(tensor.tensor_type):
            shape = [int(n) for n in reversed(tensor.shape)]  # GGUF lists dimensions innermost first
            values = gguf.quants.dequantize(tensor.data, tensor.tensor_type).reshape(shape).astype(np.float32)
            writer.add_tensor(tensor.name, gguf.quants.quantize(values, target), raw_dtype=target)
        else:
            writer.add_tensor(tensor.name, tensor.data, raw_dtype=tensor.tensor_type)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file(progress=False)
    writer.close()
