"""Writes TF-Slim's eval preprocessing of images, for test/imaging/parity.test.ts.

usage: tf_reference.py OUT_DIR SIZE IMAGE...
Writes OUT_DIR/reference.f32: models/leukotool/preprocessing.py exactly as training uses it; and
OUT_DIR/accurate.f32: the same but JPEGs decoded with the accurate integer IDCT (libjpeg's ISLOW,
what sharp uses) instead of decode_image's INTEGER_FAST, isolating crop + resize from decoder
rounding. Both hold, per image in argument order, SIZE x SIZE x 3 little-endian float32.
One Python run for all images: importing TensorFlow costs seconds.
"""
import os
import sys

os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '2')

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from leukotool.preprocessing import decode_rgb, preprocess_for_eval  # noqa: E402


def main(out_dir: str, size: str, *paths: str) -> None:
    side = int(size)
    outputs = {'reference': [], 'accurate': []}
    for path in paths:
        with open(path, 'rb') as f:
            data = f.read()
        image = decode_rgb(data)
        accurate = (tf.io.decode_jpeg(data, channels=3, dct_method='INTEGER_ACCURATE')
                    if tf.io.is_jpeg(data) else image)
        outputs['reference'].append(preprocess_for_eval(image, side, side).numpy())
        outputs['accurate'].append(preprocess_for_eval(accurate, side, side).numpy())
    for name, tensors in outputs.items():
        np.stack(tensors).astype('<f4').tofile(os.path.join(out_dir, f'{name}.f32'))


if __name__ == '__main__':
    main(*sys.argv[1:])
