"""Labelled images -> samples, a stratified split and the same preprocessing the service uses."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import tensorflow as tf
from leukotool.dataset import (Sample, augment, discover, evaluation_batches, label_of, read_rgb, split,
                               training_batches)
from leukotool.errors import DatasetError
from leukotool.preprocessing import preprocess_file
from PIL import Image
from runners import IMAGES

CELLS = IMAGES / 'c-nmc'


@pytest.mark.parametrize(('path', 'label'), [
    ('ALL_IDB2/img/Im001_1.tif', 1), ('ALL_IDB2/img/Im131_0.tif', 0), ('ALL_IDB1/im/Im033_1.jpg', 1),
    ('fold_0/all/UID_11_10_1_all.bmp', 1), ('fold_0/hem/UID_H10_43_1_hem.bmp', 0),
    ('mine/ALL/cell.png', 1), ('mine/normal/cell.png', 0), ('mine/healthy/cell.png', 0),
    ('mine/unknown/cell.png', None), ('Im001_2.jpg', None),
])
def test_labels_come_from_names_then_folders(path, label):
    assert label_of(Path(path)) == label


def test_the_fixture_cells_are_two_all_and_two_hem():
    samples = discover(CELLS)
    assert [(s.path.name, s.label) for s in samples] == [
        ('UID_1_2_2_all.bmp', 1), ('UID_1_3_1_all.bmp', 1), ('UID_h3_4_1_hem.bmp', 0), ('UID_h3_5_1_hem.bmp', 0)]


def test_unlabelled_or_missing_images_are_named_in_the_error(tmp_path):
    with pytest.raises(DatasetError, match='no data folder'):
        discover(tmp_path / 'missing')
    with pytest.raises(DatasetError, match='holds no images'):
        discover(tmp_path)
    (tmp_path / 'Im001_1.jpg').write_bytes(b'')
    (tmp_path / 'mystery.jpg').write_bytes(b'')
    with pytest.raises(DatasetError, match=r'1 image\(s\).*mystery\.jpg'):
        discover(tmp_path)


def test_split_is_stratified_disjoint_and_seeded():
    samples = [Sample(Path(f'a{i}_all.bmp'), 1) for i in range(10)] + \
              [Sample(Path(f'h{i}_hem.bmp'), 0) for i in range(5)]
    train, validation = split(samples, 0.2, seed=3)
    assert sorted(s.label for s in validation) == [0, 1, 1]
    assert set(train).isdisjoint(validation) and set(train) | set(validation) == set(samples)
    assert split(samples, 0.2, seed=3) == (train, validation)
    assert split(samples, 0.2, seed=4) != (train, validation)


def test_split_needs_two_images_per_class():
    samples = [Sample(Path('a_all.bmp'), 1), Sample(Path('b_all.bmp'), 1), Sample(Path('h_hem.bmp'), 0)]
    with pytest.raises(DatasetError, match="class 'normal' has 1 image"):
        split(samples, 0.2, seed=1)


def test_tiff_reads_through_pillow_to_the_same_pixels(tmp_path):
    bmp = CELLS / 'UID_1_2_2_all.bmp'
    tiff = tmp_path / 'Im001_1.tif'
    Image.open(bmp).save(tiff)
    np.testing.assert_array_equal(read_rgb(tiff), read_rgb(bmp))
    assert read_rgb(bmp).shape == (450, 450, 3)


def test_evaluation_batches_are_exactly_the_reference_preprocessing():
    samples = discover(CELLS)[:2]
    batch = next(iter(evaluation_batches(samples, batch=2))).numpy()
    np.testing.assert_array_equal(batch, np.stack([preprocess_file(str(s.path)) for s in samples]))


def test_augmentation_is_seeded_and_stays_in_range():
    image = tf.image.convert_image_dtype(read_rgb(CELLS / 'UID_1_2_2_all.bmp'), tf.float32)
    seeds = [tf.constant([i, 0], tf.int64) for i in range(6)]
    outputs = [augment(image, seed).numpy() for seed in seeds]
    np.testing.assert_array_equal(augment(image, seeds[0]).numpy(), outputs[0])
    assert any(not np.array_equal(outputs[0], other) for other in outputs[1:])
    assert all(o.min() >= 0 and o.max() <= 1 and o.shape == (450, 450, 3) for o in outputs)


def test_training_batches_repeat_with_labels_in_the_models_range():
    images, labels = next(iter(training_batches(discover(CELLS), batch=6, seed=1)))
    assert images.shape == (6, 299, 299, 3) and labels.shape == (6,)
    assert float(tf.reduce_min(images)) >= -1 and float(tf.reduce_max(images)) <= 1
    assert set(labels.numpy().tolist()) == {0, 1}
