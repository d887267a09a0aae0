"""Inception V3 with a retrainable final layer: build it (seeded or from ImageNet weights), save and load it.

The Keras model's output is the final layer's logits; the softmax is added when freezing
(leukotool.freeze), so the logits stay reachable for parity tests.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path

import keras
import numpy as np

from .errors import ModelDirError
from .preprocessing import INPUT_SIZE

BASE_NAME = 'inception_v3'
HEAD_NAME = 'logits'
MODEL_FILE = 'model.keras'
BUILD_FILE = 'build.json'


@dataclass(frozen=True)
class BuildInfo:
    classes: int
    seed: int
    origin: str  # where the weights came from: 'seeded', an ImageNet weights file, a training run
    weights_sha256: str


def build_model(classes: int = 2, seed: int = 1234, weights: str | None = None) -> keras.Model:
    """Inception V3 (no top, global average pooling) + Dense(classes) logits.

    Without `weights` every kernel is drawn from numpy's generator seeded with `seed`, so the same seed
    gives byte-identical weights whatever Keras' own initialiser seeding does. He-normal kernels keep the
    activations' scale through the 94 ReLU convolutions (Keras' default Glorot would shrink them towards
    zero), so even the untrained model's outputs vary with the image.
    """
    if classes < 2:
        raise ModelDirError(f'--classes must be at least 2, got {classes}')
    if weights is not None and not Path(weights).is_file():
        # Checked here because Keras would take a name such as 'imagenet' as leave to download.
        raise ModelDirError(f'no weights file at {weights} (Keras ImageNet weights: '
                            'inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5)')
    # Fresh layer names (conv2d, conv2d_1, ...) on every build: the frozen graph's node names depend on them.
    keras.backend.clear_session()
    base = keras.applications.InceptionV3(include_top=False, weights=weights, pooling='avg',
                                          input_shape=(INPUT_SIZE, INPUT_SIZE, 3), name=BASE_NAME)
    inputs = keras.Input((INPUT_SIZE, INPUT_SIZE, 3), name='input')
    logits = keras.layers.Dense(classes, name=HEAD_NAME)(base(inputs))
    model = keras.Model(inputs, logits, name='leukoserve_inception_v3')
    # Separate streams for base and head: the head's weights depend on the seed alone, loaded base or not.
    base_rng, head_rng = (np.random.default_rng((seed, stream)) for stream in (0, 1))
    if weights is None:
        for layer in base.layers:
            if isinstance(layer, keras.layers.Conv2D):
                kernel = layer.kernel
                fan_in = int(np.prod(kernel.shape[:-1]))
                kernel.assign(base_rng.normal(0.0, np.sqrt(2.0 / fan_in), kernel.shape).astype(np.float32))
    head = model.get_layer(HEAD_NAME)
    fan_in, fan_out = head.kernel.shape
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    head.kernel.assign(head_rng.uniform(-limit, limit, head.kernel.shape).astype(np.float32))
    head.bias.assign(np.zeros(head.bias.shape, np.float32))
    return model


def weights_digest(model: keras.Model) -> str:
    """sha256 over every weight's path and bytes, in model order."""
    digest = hashlib.sha256()
    for weight in model.weights:
        digest.update(weight.path.encode())
        digest.update(np.ascontiguousarray(keras.ops.convert_to_numpy(weight)).tobytes())
    return digest.hexdigest()


def save_model_dir(model: keras.Model, out: Path, *, seed: int, origin: str) -> BuildInfo:
    out.mkdir(parents=True, exist_ok=True)
    model.save(out / MODEL_FILE)
    info = BuildInfo(classes=int(model.output.shape[-1]), seed=seed, origin=origin,
                     weights_sha256=weights_digest(model))
    (out / BUILD_FILE).write_text(json.dumps(asdict(info), indent=2) + '\n')
    return info


def load_model_dir(directory: Path) -> keras.Model:
    path = directory / MODEL_FILE
    if not path.is_file():
        raise ModelDirError(f'{directory} holds no {MODEL_FILE}: make it with `leukotool build --out {directory}`')
    keras.backend.clear_session()
    return keras.models.load_model(path, compile=False)


def head_only_trainable(model: keras.Model) -> None:
    """Transfer learning as in the Peter Moss project: the base is frozen, only the final layer learns.
    A frozen Keras 3 BatchNormalization also runs in inference mode, so its moving statistics stay put."""
    model.get_layer(BASE_NAME).trainable = False
    model.get_layer(HEAD_NAME).trainable = True
