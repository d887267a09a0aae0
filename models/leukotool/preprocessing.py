"""The eval path of TF-Slim's inception_preprocessing, the reference the service must match.

A faithful port of `preprocess_for_eval` (tensorflow/models, research/slim/preprocessing/
inception_preprocessing.py): uint8 -> float [0, 1], central crop of 87.5 %, legacy bilinear
resize (align_corners=False, no half-pixel centres), then scale to [-1, 1].
Training and the parity tests both use it, so train and serve cannot drift apart.
"""
from __future__ import annotations

import numpy as np
import tensorflow as tf

CENTRAL_FRACTION = 0.875
INPUT_SIZE = 299


def preprocess_for_eval(image: tf.Tensor, height: int = INPUT_SIZE, width: int = INPUT_SIZE,
                        central_fraction: float = CENTRAL_FRACTION) -> tf.Tensor:
    """image: HxWx3 uint8 or float in [0, 1]; returns heightxwidthx3 float32 in [-1, 1]."""
    if image.dtype != tf.float32:
        image = tf.image.convert_image_dtype(image, dtype=tf.float32)
    if central_fraction:
        image = tf.image.central_crop(image, central_fraction=central_fraction)
    if height and width:
        image = tf.expand_dims(image, 0)
        image = tf.compat.v1.image.resize_bilinear(image, [height, width], align_corners=False)
        image = tf.squeeze(image, [0])
    image = tf.subtract(image, 0.5)
    return tf.multiply(image, 2.0)


def decode_rgb(data: bytes) -> tf.Tensor:
    """Decodes JPEG/PNG/BMP/GIF bytes to HxWx3 uint8.

    JPEG uses the accurate integer IDCT, as libvips (the service's decoder) does: decode_image's
    default fast IDCT differs by about one grey level on average, a train/serve mismatch.
    """
    if tf.io.is_jpeg(data):
        image = tf.io.decode_jpeg(data, channels=3, dct_method='INTEGER_ACCURATE')
    else:
        image = tf.io.decode_image(data, channels=3, expand_animations=False)
    return tf.ensure_shape(image, [None, None, 3])


def preprocess_file(path: str, size: int = INPUT_SIZE) -> np.ndarray:
    with open(path, 'rb') as f:
        return preprocess_for_eval(decode_rgb(f.read()), size, size).numpy()


def serving_input(image: np.ndarray | tf.Tensor, size: int = INPUT_SIZE) -> np.ndarray:
    """What the service feeds the model for an HxWx3 uint8 image: the same crop and resize, rounded to uint8
    as the service's resize is (src/imaging/crop-resize.ts), then the model's scaling to [-1, 1]."""
    resized = (preprocess_for_eval(tf.convert_to_tensor(image), size, size).numpy() + 1.0) / 2.0  # back to [0, 1]
    pixels = np.floor(resized * 255.0 + 0.5).clip(0, 255)
    return (pixels / 127.5 - 1.0).astype(np.float32)
