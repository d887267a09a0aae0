"""Labelled blood-cell images on disk -> tf.data pipelines that feed training and evaluation.

Labels come from the file name (ALL-IDB `ImNNN_1` = ALL, `ImNNN_0` = normal; C-NMC `*_all` / `*_hem`)
or, failing that, from the folder holding the file (`all/`, `hem/`, `normal/`, ...).
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import tensorflow as tf
from PIL import Image

from .defaults import DEFAULT_LABELS
from .errors import DatasetError
from .preprocessing import decode_rgb, preprocess_for_eval

POSITIVE = DEFAULT_LABELS.index('ALL')
NEGATIVE = DEFAULT_LABELS.index('normal')
IMAGE_SUFFIXES = {'.bmp', '.jpg', '.jpeg', '.png', '.gif', '.tif', '.tiff'}
_PILLOW_ONLY = {'.tif', '.tiff'}  # tf.io.decode_image reads BMP, JPEG, PNG and GIF, not TIFF
_NAME_RULES = [(re.compile(r'^Im\d+_1$', re.I), POSITIVE), (re.compile(r'^Im\d+_0$', re.I), NEGATIVE),
               (re.compile(r'_all$', re.I), POSITIVE), (re.compile(r'_hem$', re.I), NEGATIVE)]
_FOLDER_LABELS = {'all': POSITIVE, 'hem': NEGATIVE, 'normal': NEGATIVE, 'healthy': NEGATIVE}


@dataclass(frozen=True)
class Sample:
    path: Path
    label: int  # index into DEFAULT_LABELS


def label_of(path: Path) -> int | None:
    for pattern, label in _NAME_RULES:
        if pattern.search(path.stem):
            return label
    return _FOLDER_LABELS.get(path.parent.name.lower())


def image_files(folder: Path, what: str = 'image folder') -> list[Path]:
    """Every image below `folder`, sorted; none (or no folder) is a DatasetError naming `what`."""
    if not folder.is_dir():
        raise DatasetError(f'no {what} at {folder}')
    files = sorted(p for p in folder.rglob('*') if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES)
    if not files:
        raise DatasetError(f'{folder} holds no images ({", ".join(sorted(IMAGE_SUFFIXES))})')
    return files


def discover(data: Path) -> list[Sample]:
    files = image_files(data, 'data folder')
    unlabelled = [p for p in files if label_of(p) is None]
    if unlabelled:
        shown = ', '.join(str(p.relative_to(data)) for p in unlabelled[:5])
        raise DatasetError(f'{len(unlabelled)} image(s) in {data} have no recognisable label ({shown}): name them '
                           'ImNNN_1/ImNNN_0 (ALL-IDB) or *_all/*_hem (C-NMC), or put them in all/ and hem/ folders')
    return [Sample(p, label_of(p)) for p in files]


def split(samples: list[Sample], val_split: float, seed: int) -> tuple[list[Sample], list[Sample]]:
    """Stratified hold-out: each class gives round(n * val_split) images (at least one) to validation."""
    if not 0 < val_split < 1:
        raise DatasetError(f'--val-split must be between 0 and 1, got {val_split}')
    rng = random.Random(seed)
    train, validation = [], []
    for label, name in enumerate(DEFAULT_LABELS):
        members = [s for s in samples if s.label == label]
        if len(members) < 2:
            raise DatasetError(f'class {name!r} has {len(members)} image(s): training and validation need at '
                               'least one each')
        rng.shuffle(members)
        held = min(len(members) - 1, max(1, round(len(members) * val_split)))
        validation += members[:held]
        train += members[held:]
    return train, validation


def read_rgb(path: str | Path) -> np.ndarray:
    """HxWx3 uint8, decoded by TensorFlow like the reference preprocessing does (TIFF through Pillow)."""
    path = Path(path)
    try:
        if path.suffix.lower() in _PILLOW_ONLY:
            with Image.open(path) as image:
                return np.asarray(image.convert('RGB'))
        return decode_rgb(path.read_bytes()).numpy()
    except (OSError, tf.errors.InvalidArgumentError) as cause:
        raise DatasetError(f'cannot decode {path}: {cause}') from cause


def _load(path: tf.Tensor) -> tf.Tensor:
    image = tf.numpy_function(lambda p: read_rgb(p.decode()), [path], tf.uint8, stateful=False)
    return tf.image.convert_image_dtype(tf.ensure_shape(image, [None, None, 3]), tf.float32)


def augment(image: tf.Tensor, seed: tf.Tensor) -> tf.Tensor:
    """Flips, quarter turns and brightness on the [0, 1] image, before the eval preprocessing (train-serve parity)."""
    seeds = tf.random.experimental.stateless_split(seed, 4)
    image = tf.image.stateless_random_flip_left_right(image, seeds[0])
    image = tf.image.stateless_random_flip_up_down(image, seeds[1])
    image = tf.image.rot90(image, tf.random.stateless_uniform([], seeds[2], 0, 4, tf.int32))
    image = tf.image.stateless_random_brightness(image, 0.1, seeds[3])
    return tf.clip_by_value(image, 0.0, 1.0)


def training_batches(samples: list[Sample], batch: int, seed: int) -> tf.data.Dataset:
    """Endless, shuffled, augmented batches (deterministic for a seed)."""
    paths = tf.data.Dataset.from_tensor_slices(([str(s.path) for s in samples], [s.label for s in samples]))
    paths = paths.shuffle(len(samples), seed=seed, reshuffle_each_iteration=True).repeat()
    seeds = tf.data.Dataset.random(seed=seed).batch(2)
    images = tf.data.Dataset.zip(paths, seeds).map(
        lambda item, op_seed: (preprocess_for_eval(augment(_load(item[0]), op_seed)), item[1]))
    return images.batch(batch).prefetch(1)


def evaluation_batches(samples: list[Sample], batch: int) -> tf.data.Dataset:
    """Each image once, in order, exactly as the service will see it."""
    paths = tf.data.Dataset.from_tensor_slices([str(s.path) for s in samples])
    return paths.map(lambda path: preprocess_for_eval(_load(path))).batch(batch)
