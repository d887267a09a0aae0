"""`leukotool train` end to end on the fixture cells: a smoke run, but every output is real."""
from __future__ import annotations

import json

import keras
import numpy as np
import pytest
from leukotool.convert import IR_FP32
from leukotool.inception import BASE_NAME, HEAD_NAME, build_model, load_model_dir
from leukotool.train import train
from runners import IMAGES, run_ir, service_manifest_check

METRIC_KEYS = {'accuracy', 'sensitivity', 'specificity', 'auc', 'samples'}


@pytest.fixture(scope='module')
def trained(tmp_path_factory):
    out = tmp_path_factory.mktemp('trained') / 'model'
    metrics = train(IMAGES / 'c-nmc', out, epochs=1, steps=2, batch=2, seed=1234)
    return out, metrics


def test_train_writes_a_complete_model_directory(trained):
    out, _ = trained
    for name in ['manifest.json', 'metrics.json', 'build.json', 'model.keras', 'model.pb', 'ir-check.json',
                 'model-fp32.xml', 'model-fp32.bin', 'model-fp16.xml', 'model-fp16.bin']:
        assert (out / name).is_file(), name


def test_metrics_are_recorded_in_metrics_json_and_the_manifest(trained):
    out, metrics = trained
    assert json.loads((out / 'metrics.json').read_text()) == metrics
    assert metrics['dataset'] == 'c-nmc' and metrics['positive'] == 'ALL'
    for split in ('train', 'validation'):
        assert set(metrics[split]) == METRIC_KEYS
        assert metrics[split]['samples'] == 2  # one ALL and one hem cell each
        assert all(0 <= metrics[split][k] <= 1 for k in METRIC_KEYS - {'samples'})
    manifest = json.loads((out / 'manifest.json').read_text())
    assert manifest['trained'] is True
    assert manifest['version'] == '0.1.0-trained-seed1234'
    assert manifest['training'] == {'dataset': 'c-nmc', 'epochs': 1,
                                    'metrics': {'train': metrics['train'], 'validation': metrics['validation']}}


def test_trained_manifest_passes_the_services_own_schema(trained):
    loaded = service_manifest_check(trained[0])
    if loaded is None:
        pytest.skip('node or tsx not installed: cannot run src/model/manifest.ts')
    assert loaded['trained'] is True
    assert loaded['training']['metrics']['validation']['samples'] == 2


def test_only_the_final_layer_learned(trained):
    seeded = build_model(2, 1234)
    seeded_base = [w.numpy() for w in seeded.get_layer(BASE_NAME).weights]
    seeded_head = seeded.get_layer(HEAD_NAME).kernel.numpy()
    model = load_model_dir(trained[0])
    assert all(np.array_equal(a, b.numpy()) for a, b in zip(seeded_base, model.get_layer(BASE_NAME).weights))
    assert not np.array_equal(seeded_head, model.get_layer(HEAD_NAME).kernel.numpy())


def test_the_ir_computes_what_the_trained_keras_model_computes(trained, fixture_batch):
    model = load_model_dir(trained[0])
    expected = keras.ops.convert_to_numpy(keras.ops.softmax(model.predict(fixture_batch, verbose=0), axis=-1))
    np.testing.assert_allclose(run_ir(trained[0] / IR_FP32, fixture_batch), expected, rtol=0, atol=1e-4)
