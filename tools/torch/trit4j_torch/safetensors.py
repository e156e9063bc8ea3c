"""A safetensors writer and reader (8-byte little-endian header length, JSON header, raw little-endian bytes)
with struct + json, for the two dtypes trit4j's model files use."""
import json
import struct

import numpy as np

DTYPES = {"F32": np.dtype("<f4"), "I8": np.dtype("i1")}
_NAMES = {v: k for k, v in DTYPES.items()}


def write(path, tensors, metadata):
    """Writes `tensors` (name -> numpy array of float32 or int8) in name order, and `metadata` (str -> str) as
    `__metadata__`. The header is padded with spaces to a multiple of 8 bytes, as safetensors itself does."""
    header, blobs, offset = {}, [], 0
    for name in sorted(tensors):
        a = np.ascontiguousarray(tensors[name])
        dt = a.dtype.newbyteorder("<") if a.dtype.kind == "f" else a.dtype
        if dt not in _NAMES:
            raise ValueError(f"tensor {name}: dtype {a.dtype} is neither float32 nor int8")
        b = a.astype(dt, copy=False).tobytes()
        header[name] = {"dtype": _NAMES[dt], "shape": list(a.shape), "data_offsets": [offset, offset + len(b)]}
        blobs.append(b)
        offset += len(b)
    for k, v in metadata.items():
        if not isinstance(k, str) or not isinstance(v, str):
            raise ValueError(f"metadata {k!r}: keys and values must be strings")
    header["__metadata__"] = dict(metadata)
    h = json.dumps(header, separators=(",", ":")).encode("utf-8")
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def update_metadata(path, entries):
    """Sets `entries` (str -> str) in a file's __metadata__ in place, leaving the tensor bytes as they are: the
    header is rewritten (padded to a multiple of 8 bytes with spaces) and the data after it copied unchanged."""
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n].decode("utf-8"))
    for k, v in entries.items():
        if not isinstance(k, str) or not isinstance(v, str):
            raise ValueError(f"metadata {k!r}: keys and values must be strings")
    header.setdefault("__metadata__", {}).update(entries)
    h = json.dumps(header, separators=(",", ":")).encode("utf-8")
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        f.write(data[8 + n:])


def read(path):
    """Returns (tensors, metadata, header) from a safetensors file of F32/I8 tensors, checking the offsets."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 8:
        raise ValueError(f"{path}: shorter than the 8-byte header length")
    (n,) = struct.unpack("<Q", data[:8])
    if 8 + n > len(data):
        raise ValueError(f"{path}: header length {n} beyond the file")
    header = json.loads(data[8:8 + n].decode("utf-8"))
    body = data[8 + n:]
    metadata = header.get("__metadata__", {})
    tensors, ranges = {}, []
    for name, info in header.items():
        if name == "__metadata__":
            continue
        dt = DTYPES[info["dtype"]]
        begin, end = info["data_offsets"]
        count = int(np.prod(info["shape"], dtype=np.int64))
        if not 0 <= begin <= end <= len(body) or end - begin != count * dt.itemsize:
            raise ValueError(f"tensor {name}: data_offsets {info['data_offsets']} wrong for its shape or the data")
        ranges.append((begin, end, name))
        tensors[name] = np.frombuffer(body, dt, count, begin).reshape(info["shape"]).copy()
    ranges.sort()
    for (b0, e0, n0), (b1, e1, n1) in zip(ranges, ranges[1:]):
        if b1 < e0:
            raise ValueError(f"tensors {n0} and {n1} overlap")
    return tensors, metadata, header
