"""Keras model -> frozen TensorFlow GraphDef (.pb) with variables folded into constants."""
from __future__ import annotations

from pathlib import Path

import keras
import tensorflow as tf
from tensorflow.python.framework.convert_to_constants import convert_variables_to_constants_v2

from .preprocessing import INPUT_SIZE

INPUT_NODE = 'input'
PROBABILITIES_NODE = 'predictions'
LOGITS_NODE = 'logits'


def freeze(model: keras.Model, out: Path) -> Path:
    """Writes one graph with two outputs: `predictions` (softmax, what the service reads) and `logits`
    (pre-softmax, what the parity tests compare: an untrained model's probabilities sit near 0.5)."""
    @tf.function(input_signature=[tf.TensorSpec([1, INPUT_SIZE, INPUT_SIZE, 3], tf.float32, name=INPUT_NODE)])
    def serve(image: tf.Tensor) -> dict[str, tf.Tensor]:
        logits = model(image, training=False)
        return {LOGITS_NODE: tf.identity(logits, name=LOGITS_NODE),
                PROBABILITIES_NODE: tf.nn.softmax(logits, name=PROBABILITIES_NODE)}

    frozen = convert_variables_to_constants_v2(serve.get_concrete_function())
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(frozen.graph.as_graph_def().SerializeToString(deterministic=True))
    return out

