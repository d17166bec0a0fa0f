"""Fine-tune the sentence encoder on our own intents, at training time.

The pretrained all-MiniLM-L6-v2 was taught that sentences about the same
topic are close together. Our intents need finer lines: "can I move it" and
"can I cancel it" share a topic, but they ask for different things. So at
`rasa train` the encoder's six transformer layers get a few epochs on our
training examples, with a softmax over the intents on top of the pooled
vector. The sentence vector then carries what separates our intents, and the
logistic regression reads it beside the word and character counts as before.

We measured this on one fold of 5-fold cross-validation, always training
only on the other four fifths (accuracy; in brackets, when "not understood"
counts as wrong):
- frozen encoder: 0.889 (0.866);
- 5 epochs at 4e-5: 0.918 (0.904);
- 3 epochs at 6e-5: 0.919 (0.906), the setting in config.yml, chosen
  because it kept training under 5 minutes on 2 cores then (7,032
  examples; with 11,740 it takes about 8 minutes: issue 23).

Only training needs this module. It uses TensorFlow, which Rasa already
brings, for the gradients. It writes the same forward pass as
`sentence_encoder.py`; a unit test checks the two give the same vectors. At
run time, the tuned weights go back to the NumPy forward pass, so answering
a message costs what it did.

The word embeddings stay as pretrained. They cover 30,000 word pieces and
our data uses few of them: tuning them would teach the model our spellings,
and forget how to place words it has not seen. The tuned tensors are rounded
to float16 before anything uses them, so the model archive stays small (21 MB)
and training and answering see exactly the same weights.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Sequence

import numpy as np

from bot.nlu.sentence_encoder import DIMENSIONS, HEADS, LAYER_NORM_EPS, LAYERS, load_tokenizer, model_dir, pad

logger = logging.getLogger(__name__)

# The classifier head sees unit vectors; this temperature lets its logits
# spread enough to learn in a few epochs.
_LOGIT_SCALE = 20.0
_DROPOUT = 0.1
# Weight matrices in the package's (PyTorch) layout are [out, in].
_DENSE = (
    "attention.self.query",
    "attention.self.key",
    "attention.self.value",
    "attention.output.dense",
    "intermediate.dense",
    "output.dense",
)
_NORMS = ("attention.output.LayerNorm", "output.LayerNorm")


def _is_dense_weight(name: str) -> bool:
    return name.endswith(".weight") and any(f".{d}." in name for d in _DENSE)


def tuned_tensor_names(layers: int = LAYERS) -> list[str]:
    """The tensors fine-tuning changes when it tunes the top `layers` layers
    (all six: the embeddings' normalisation too)."""
    names = ["embeddings.LayerNorm.weight", "embeddings.LayerNorm.bias"] if layers >= LAYERS else []
    for i in range(LAYERS - layers, LAYERS):
        for part in _DENSE + _NORMS:
            names += [f"encoder.layer.{i}.{part}.weight", f"encoder.layer.{i}.{part}.bias"]
    return names


class _Encoder:
    """The forward pass of sentence_encoder.SentenceEncoder, in TensorFlow,
    split where the frozen layers end: `lower` (the embeddings and the frozen
    layers, constants) and `upper` (the tuned layers, variables, and pooling)."""

    def __init__(self, weights: dict[str, np.ndarray], tuned_layers: int = LAYERS) -> None:
        import tensorflow as tf

        self._tf = tf
        self.first_tuned = LAYERS - tuned_layers
        self.words = tf.constant(weights["embeddings.word_embeddings.weight"])
        self.positions = tf.constant(weights["embeddings.position_embeddings.weight"])
        self.token_type = tf.constant(weights["embeddings.token_type_embeddings.weight"][0])
        tuned = set(tuned_tensor_names(tuned_layers))
        self.params: dict[str, tf.Tensor] = {}
        self.variables: dict[str, tf.Variable] = {}
        for name in tuned_tensor_names(LAYERS):  # every tensor that can be tuned; the others stay constants
            value = weights[name]
            if _is_dense_weight(name):
                value = value.T  # [in, out], for x @ w
            value = np.ascontiguousarray(value, np.float32)
            if name in tuned:
                self.variables[name] = self.params[name] = tf.Variable(value, name=name.replace(".", "_"))
            else:
                self.params[name] = tf.constant(value)

    def _norm(self, x, prefix):
        mean, var = self._tf.nn.moments(x, axes=[-1], keepdims=True)
        p = self.params
        return (x - mean) / self._tf.sqrt(var + LAYER_NORM_EPS) * p[prefix + ".weight"] + p[prefix + ".bias"]

    def _layer(self, i, x, key_mask, training):
        tf, p = self._tf, self.params
        batch, length = tf.shape(x)[0], tf.shape(x)[1]
        head = DIMENSIONS // HEADS
        prefix = f"encoder.layer.{i}."

        def dense(x, name):
            return x @ p[prefix + name + ".weight"] + p[prefix + name + ".bias"]

        def heads(x):
            return tf.transpose(tf.reshape(x, [batch, length, HEADS, head]), [0, 2, 1, 3])

        def drop(x):
            return tf.nn.dropout(x, _DROPOUT) if training else x

        q, k, val = (heads(dense(x, f"attention.self.{n}")) for n in ("query", "key", "value"))
        scores = tf.nn.softmax(tf.matmul(q, k, transpose_b=True) / math.sqrt(head) + key_mask, -1)
        context = tf.reshape(tf.transpose(drop(scores) @ val, [0, 2, 1, 3]), [batch, length, DIMENSIONS])
        x = self._norm(drop(dense(context, "attention.output.dense")) + x, prefix + "attention.output.LayerNorm")
        up = tf.nn.gelu(dense(x, "intermediate.dense"), approximate=False)
        return self._norm(drop(dense(up, "output.dense")) + x, prefix + "output.LayerNorm")

    @staticmethod
    def _key_mask(tf, valid):
        return (1.0 - tf.cast(valid, tf.float32))[:, None, None, :] * -1e9

    def lower(self, ids, valid):
        """Each token's vector after the frozen layers: no dropout there, so the
        same in every epoch."""
        tf = self._tf
        length = tf.shape(ids)[1]
        x = self._norm(tf.gather(self.words, ids) + self.positions[:length] + self.token_type, "embeddings.LayerNorm")
        key_mask = self._key_mask(tf, valid)
        for i in range(self.first_tuned):
            x = self._layer(i, x, key_mask, training=False)
        return x

    def upper(self, x, valid, training: bool = False):
        tf = self._tf
        key_mask = self._key_mask(tf, valid)
        for i in range(self.first_tuned, LAYERS):
            x = self._layer(i, x, key_mask, training)
        valid_f = tf.cast(valid, tf.float32)[:, :, None]
        pooled = tf.reduce_sum(x * valid_f, 1) / tf.reduce_sum(valid_f, 1)
        return tf.math.l2_normalize(pooled, -1)

    def __call__(self, ids, valid, training: bool = False):
        return self.upper(self.lower(ids, valid), valid, training)

    def tensors(self) -> dict[str, np.ndarray]:
        """The tuned tensors in the package's layout, rounded through float16."""
        out = {}
        for name, var in self.variables.items():
            value = var.numpy()
            if _is_dense_weight(name):
                value = value.T
            out[name] = np.ascontiguousarray(value.astype(np.float16).astype(np.float32))
        return out


def _ids_signature():
    import tensorflow as tf

    # One trace for every batch shape: traced per shape, each new length cost a second.
    return [tf.TensorSpec([None, None], tf.int64), tf.TensorSpec([None, None], tf.bool)]


def _length_batches(rows: Sequence[Sequence[int]], batch_size: int):
    """(indices, ids, valid) for batches of texts of similar length, so little is padding."""
    by_length = sorted(range(len(rows)), key=lambda i: len(rows[i]))
    for start in range(0, len(by_length), batch_size):
        chosen = by_length[start : start + batch_size]
        yield (chosen, *pad([rows[i] for i in chosen]))


def _tokenize(texts: Sequence[str]) -> list[list[int]]:
    return [e.ids for e in load_tokenizer().encode_batch(list(texts))]


def _load_pretrained() -> dict[str, np.ndarray]:
    from safetensors.numpy import load_file

    return load_file(str(model_dir() / "model.safetensors"))


def encode(texts: Sequence[str], tensors: dict[str, np.ndarray] | None = None, batch_size: int = 128) -> np.ndarray:
    """Sentence vectors from the TensorFlow forward pass: the same as the NumPy
    one (a unit test checks) but about four times as fast over thousands of
    texts, so training featurizes its examples with it."""
    import tensorflow as tf

    weights = _load_pretrained()
    weights.update(tensors or {})
    encoder = _Encoder(weights)
    forward = tf.function(encoder.__call__, input_signature=_ids_signature())
    rows = _tokenize(texts)
    out = np.zeros((len(rows), DIMENSIONS), np.float32)
    for chosen, ids, valid in _length_batches(rows, batch_size):
        out[chosen] = forward(tf.constant(ids), tf.constant(valid)).numpy()
    return out


def _pad_states(states: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Token vectors of several texts as one [texts, tokens, 384] array, and which are real."""
    out = np.zeros((len(states), max(len(s) for s in states), DIMENSIONS), np.float32)
    valid = np.zeros(out.shape[:2], bool)
    for i, s in enumerate(states):
        out[i, : len(s)] = s
        valid[i, : len(s)] = True
    return out, valid


def fine_tune(
    texts: Sequence[str],
    labels: Sequence[str],
    epochs: int,
    learning_rate: float,
    batch_size: int = 32,
    seed: int = 0,
    layers: int = LAYERS,
) -> dict[str, np.ndarray]:
    """Tune the top `layers` layers of the encoder to tell `labels` apart;
    returns the tuned tensors (tuned_tensor_names(layers))."""
    import tensorflow as tf

    if len(texts) != len(labels) or not texts:
        raise ValueError("fine_tune needs one label per text, and at least one text")
    if not 1 <= layers <= LAYERS:
        raise ValueError(f"fine_tune tunes 1 to {LAYERS} layers, not {layers}")
    tf.random.set_seed(seed)
    rng = np.random.default_rng(seed)
    rows = _tokenize(texts)
    classes = sorted(set(labels))
    targets = np.array([classes.index(label) for label in labels], np.int32)
    encoder = _Encoder(_load_pretrained(), layers)
    head = tf.Variable(tf.zeros([DIMENSIONS, len(classes)]), name="intent_head")
    head_bias = tf.Variable(tf.zeros([len(classes)]), name="intent_head_bias")
    tuned = list(encoder.variables.values())
    # The head starts from nothing and needs a faster rate than the
    # pretrained layers, which should move only a little.
    encoder_opt = tf.keras.optimizers.Adam(learning_rate)
    head_opt = tf.keras.optimizers.Adam(learning_rate * 50)

    # The frozen layers give the same vectors in every epoch: computed once
    # here, each epoch then runs (and differentiates) only the tuned layers.
    # Tuning the top two this way took a third of the time of tuning all six.
    frozen = layers < LAYERS
    started = time.monotonic()
    states: list[np.ndarray] = []
    if frozen:
        lower = tf.function(encoder.lower, input_signature=_ids_signature())
        states = [np.empty(0)] * len(rows)
        for chosen, ids, valid in _length_batches(rows, 128):
            out = lower(tf.constant(ids), tf.constant(valid)).numpy()
            for j, i in enumerate(chosen):
                states[i] = out[j, : len(rows[i])].copy()
        logger.info(
            "encoder fine-tuning: %d frozen layers run once, %.0f s", encoder.first_tuned, time.monotonic() - started
        )

    def train_step(inputs, valid, y):
        with tf.GradientTape() as tape:
            vectors = encoder.upper(inputs, valid, training=True) if frozen else encoder(inputs, valid, training=True)
            logits = (vectors * _LOGIT_SCALE) @ head + head_bias
            loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(y, logits))
        grads = tape.gradient(loss, tuned + [head, head_bias])
        encoder_opt.apply_gradients(zip(grads[: len(tuned)], tuned))
        head_opt.apply_gradients(zip(grads[len(tuned) :], [head, head_bias]))
        return loss

    # One trace for every batch shape (traced per shape, the first epoch took
    # half as long again as the others).
    step = tf.function(
        train_step,
        input_signature=[
            tf.TensorSpec([None, None, DIMENSIONS], tf.float32) if frozen else tf.TensorSpec([None, None], tf.int64),
            tf.TensorSpec([None, None], tf.bool),
            tf.TensorSpec([None], tf.int32),
        ],
    )

    for epoch in range(epochs):
        started, total = time.monotonic(), 0.0
        # Shuffled, then sorted by length within windows of 20 batches, so a
        # batch pads little but still mixes intents.
        order = rng.permutation(len(rows))
        window = batch_size * 20
        batches = []
        for start in range(0, len(order), window):
            chunk = sorted(order[start : start + window], key=lambda i: len(rows[i]))
            batches += [chunk[s : s + batch_size] for s in range(0, len(chunk), batch_size)]
        rng.shuffle(batches)
        for chosen in batches:
            if frozen:
                inputs, valid = _pad_states([states[i] for i in chosen])
            else:
                inputs, valid = pad([rows[i] for i in chosen])
            total += float(step(tf.constant(inputs), tf.constant(valid), tf.constant(targets[chosen])))
        logger.info(
            "encoder fine-tuning: epoch %d/%d, loss %.3f, %.0f s",
            epoch + 1,
            epochs,
            total / len(batches),
            time.monotonic() - started,
        )
    return encoder.tensors()
