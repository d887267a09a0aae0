"""INT8 quantization and precision agreement: the default model's INT8 IR, the figures in its manifest."""
from __future__ import annotations

import json
import shutil

import numpy as np
import openvino as ov
import pytest
from leukotool import quantize as quantize_module
from leukotool.__main__ import main
from leukotool.check_ir import check_ir
from leukotool.convert import IR_FP32
from leukotool.errors import ModelDirError
from leukotool.dataset import image_files
from leukotool.image_sets import ImageSet, file_list_sha256
from leukotool.preprocessing import serving_input
from leukotool.quantize import IR_INT8, measure_agreement, quantize
from runners import IMAGES, service_manifest_check


def test_default_model_has_an_int8_ir_calibrated_on_the_fixture_images(default_model):
    manifest = json.loads((default_model / 'manifest.json').read_text())
    assert manifest['ir']['int8'] == IR_INT8
    calibration = manifest['quantization']['calibration']
    assert manifest['quantization']['tool'].startswith('nncf ')
    assert calibration['folder'] == 'test/fixtures/images'
    assert calibration['images'] == len(image_files(IMAGES)) == 7
    assert calibration['sha256'] == file_list_sha256(IMAGES, image_files(IMAGES))
    assert calibration['augmentations']['per_image'] > 0
    assert calibration['samples'] == calibration['images'] * (1 + calibration['augmentations']['per_image'])
    ops = check_ir(default_model / IR_INT8).ops
    assert sum(count for op, count in ops.items() if op.startswith('FakeQuantize')) > 90  # one per conv input at least
    int8_bytes = (default_model / IR_INT8).with_suffix('.bin').stat().st_size
    assert int8_bytes < 0.3 * (default_model / IR_FP32).with_suffix('.bin').stat().st_size


def test_agreement_is_recorded_per_precision_with_the_cpu(default_model):
    agreement = json.loads((default_model / 'manifest.json').read_text())['agreement']
    assert agreement['reference'] == 'f32'
    assert agreement['images']['augmentations']['seed'] != \
        json.loads((default_model / 'manifest.json').read_text())['quantization']['calibration']['augmentations']['seed']
    assert agreement['cpu']['model'] and 'FP32' in agreement['cpu']['capabilities']
    int8 = agreement['precisions']['int8']
    assert int8['measured'] is True and int8['ir'] == 'int8' and int8['inference_precision'] == 'f32'
    assert 0 < int8['mean_abs_score_delta'] <= int8['max_abs_score_delta'] < 0.2
    assert 0 <= int8['label_agreement'] <= 1
    bf16 = agreement['precisions']['bf16']
    assert bf16['measured'] is ('BF16' in agreement['cpu']['capabilities'])


def test_manifest_with_quantization_passes_the_services_own_schema(default_model):
    loaded = service_manifest_check(default_model)
    if loaded is None:
        pytest.skip('node or tsx not installed: cannot run src/model/manifest.ts')
    assert loaded['ir']['int8'] == IR_INT8
    assert loaded['agreement']['precisions']['int8']['measured'] is True


def test_bf16_is_recorded_as_not_measurable_on_a_cpu_without_bf16(default_model, tmp_path, monkeypatch):
    model = tmp_path / 'model'
    shutil.copytree(default_model, model)
    real = quantize_module.cpu_description
    monkeypatch.setattr(quantize_module, 'cpu_description',
                        lambda core: dict(real(core), capabilities=['FP32', 'INT8']))
    images = ImageSet.load(IMAGES / 'c-nmc')
    manifest = measure_agreement(model, images)
    assert manifest['agreement']['precisions']['bf16'] == {
        'measured': False, 'reason': manifest['agreement']['precisions']['bf16']['reason']}
    assert 'not measurable on this CPU' in manifest['agreement']['precisions']['bf16']['reason']
    assert manifest['agreement']['images'] == {'folder': str(IMAGES / 'c-nmc'), 'images': 4, 'augmentations': None,
                                              'sha256': file_list_sha256(IMAGES / 'c-nmc',
                                                                         image_files(IMAGES / 'c-nmc')),
                                              'samples': 4}


def test_a_model_without_int8_records_int8_as_not_measured(default_model, tmp_path):
    model = tmp_path / 'model'
    model.mkdir()
    for name in ['model-fp32.xml', 'model-fp32.bin', 'model-fp16.xml', 'model-fp16.bin']:
        shutil.copyfile(default_model / name, model / name)
    manifest = json.loads((default_model / 'manifest.json').read_text())
    del manifest['ir']['int8'], manifest['quantization'], manifest['agreement']
    (model / 'manifest.json').write_text(json.dumps(manifest))
    assert main(['agreement', '--model', str(model), '--images', str(IMAGES / 'bccd')]) == 0
    recorded = json.loads((model / 'manifest.json').read_text())['agreement']['precisions']['int8']
    assert recorded == {'measured': False, 'reason': 'no INT8 IR in this model directory'}


def test_quantize_refuses_a_folder_without_a_manifest(tmp_path):
    with pytest.raises(ModelDirError, match='no manifest.json'):
        quantize(tmp_path, ImageSet.load(IMAGES / 'bccd'))


def test_image_sets_are_seeded_and_fed_as_the_service_feeds(tmp_path):
    a = ImageSet.load(IMAGES / 'bccd', per_image=2, seed=7)
    b = ImageSet.load(IMAGES / 'bccd', per_image=2, seed=7)
    c = ImageSet.load(IMAGES / 'bccd', per_image=2, seed=8)
    assert len(a.inputs) == 9 and a.describe()['samples'] == 9
    assert all(np.array_equal(x, y) for x, y in zip(a.inputs, b.inputs))
    assert not all(np.array_equal(x, y) for x, y in zip(a.inputs, c.inputs))
    # The service rounds its resize to uint8 before the model scales: every value is on that grid.
    grid = (a.inputs[0] + 1.0) * 127.5
    assert a.inputs[0].shape == (1, 299, 299, 3)
    np.testing.assert_allclose(grid, np.round(grid), atol=1e-3)
    image = np.zeros((10, 10, 3), np.uint8)
    assert serving_input(image).shape == (299, 299, 3)


def test_int8_ir_reads_back_with_the_manifests_port_names(default_model):
    model = ov.Core().read_model(default_model / IR_INT8)
    assert [port.get_names() for port in model.inputs] == [{'input'}]
    assert [port.get_names() for port in model.outputs] == [{'predictions'}]
