"""Writes TF-Slim's eval preprocessing of images, for test/imaging/parity.test.ts.

usage: tf_reference.py OUT_DIR SIZE IMAGE...
Writes OUT_DIR/reference.f32: models/leukotool/preprocessing.py exactly as training uses it, per
image in argument order SIZE x SIZE x 3 little-endian float32.
One Python run for all images: importing TensorFlow costs seconds.
"""
import os
import sys

os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '2')

import numpy as np  # noqa: E402
from leukotool.preprocessing import decode_rgb, preprocess_for_eval  # noqa: E402


def main(out_dir: str, size: str, *paths: str) -> None:
    side = int(size)
    tensors = []
    for path in paths:
        with open(path, 'rb') as f:
            tensors.append(preprocess_for_eval(decode_rgb(f.read()), side, side).numpy())
    np.stack(tensors).astype('<f4').tofile(os.path.join(out_dir, 'reference.f32'))


if __name__ == '__main__':
    main(*sys.argv[1:])
