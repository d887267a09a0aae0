"""`leukotool build`: Inception V3 + a final layer, seeded deterministically or from a weights file."""
from __future__ import annotations

import json

import h5py
import numpy as np
import pytest
from keras.src.legacy.saving import legacy_h5_format
from leukotool.errors import ModelDirError
from leukotool.inception import BASE_NAME, HEAD_NAME, build_model, load_model_dir, save_model_dir, weights_digest


def test_the_same_seed_gives_identical_weights_and_another_seed_does_not():
    first = weights_digest(build_model(2, 1234))
    assert weights_digest(build_model(2, 1234)) == first
    other = build_model(5, 99)
    assert weights_digest(other) != first
    assert tuple(other.output.shape) == (None, 5)  # one output per class


def test_a_saved_build_loads_back_with_the_same_weights(tmp_path):
    model = build_model(2, 1234)
    info = save_model_dir(model, tmp_path, seed=1234, origin='seeded')
    assert json.loads((tmp_path / 'build.json').read_text()) == {
        'classes': 2, 'seed': 1234, 'origin': 'seeded', 'weights_sha256': weights_digest(model)}
    assert weights_digest(load_model_dir(tmp_path)) == info.weights_sha256


def test_base_weights_come_from_a_keras_weights_file(tmp_path):
    """Keras' ImageNet file (inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5) is a legacy-format
    HDF5 file of the base's weights; one is written here in that format from another seed's base."""
    donor = build_model(2, 7).get_layer(BASE_NAME)
    weights_file = tmp_path / 'notop.h5'
    with h5py.File(weights_file, 'w') as f:
        legacy_h5_format.save_weights_to_hdf5_group(f, donor)
    expected = [w.numpy() for w in donor.weights]
    model = build_model(2, 1234, str(weights_file))
    loaded = [w.numpy() for w in model.get_layer(BASE_NAME).weights]
    assert len(loaded) == len(expected) == 376
    assert all(np.array_equal(a, b) for a, b in zip(loaded, expected))
    # The head stays seeded by --seed.
    np.testing.assert_array_equal(model.get_layer(HEAD_NAME).kernel.numpy(),
                                  build_model(2, 1234).get_layer(HEAD_NAME).kernel.numpy())


def test_a_missing_weights_file_is_an_error_not_a_download(tmp_path):
    with pytest.raises(ModelDirError, match='no weights file at imagenet'):
        build_model(2, 1234, 'imagenet')
    with pytest.raises(ModelDirError, match='holds no model.keras'):
        load_model_dir(tmp_path)
