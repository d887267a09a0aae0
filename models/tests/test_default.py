"""`leukotool default`: the untrained model every fresh checkout serves."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import openvino as ov
import pytest
from leukotool.__main__ import main
from leukotool.check_ir import check_ir
from leukotool.convert import IR_FP16, IR_FP32, sha256_of
from leukotool.quantize import IR_INT8
from runners import ROOT, service_manifest_check


def test_manifest_describes_the_untrained_model_and_its_files(default_model):
    manifest = json.loads((default_model / 'manifest.json').read_text())
    assert manifest['schema'] == 1
    assert manifest['name'] == 'leukoserve-inception-v3'
    assert manifest['version'] == '0.1.0-untrained-seed1234'
    assert manifest['trained'] is False and manifest['training'] is None
    assert manifest['labels'] == ['normal', 'ALL']
    assert manifest['input'] == {'name': 'input', 'shape': [1, 299, 299, 3], 'layout': 'NHWC', 'element_type': 'f32'}
    assert manifest['output'] == {'name': 'predictions', 'kind': 'probabilities'}
    assert manifest['preprocessing'] == {'kind': 'inception', 'central_fraction': 0.875, 'resize': 'bilinear',
                                         'range': [-1, 1]}
    assert manifest['ir'] == {'fp32': IR_FP32, 'fp16': IR_FP16, 'int8': IR_INT8}
    for xml in manifest['ir'].values():
        assert (default_model / xml).is_file() and (default_model / xml).with_suffix('.bin').is_file()
    assert manifest['source'] == {'pb': 'model.pb', 'sha256': sha256_of(default_model / 'model.pb')}
    assert manifest['created'].endswith('Z')


def test_manifest_passes_the_services_own_schema(default_model):
    loaded = service_manifest_check(default_model)
    if loaded is None:
        pytest.skip('node or tsx not installed: cannot run src/model/manifest.ts')
    assert loaded['trained'] is False
    assert loaded['input']['name'] == 'input'


@pytest.mark.parametrize('xml', [IR_FP32, IR_FP16, IR_INT8])
def test_ir_ports_carry_the_manifests_names(default_model, xml):
    model = ov.Core().read_model(default_model / xml)
    assert [port.get_names() for port in model.inputs] == [{'input'}]
    assert list(model.inputs[0].get_shape()) == [1, 299, 299, 3]
    assert [port.get_names() for port in model.outputs] == [{'predictions'}]
    assert list(model.outputs[0].get_shape()) == [1, 2]


def test_fp16_ir_stores_its_weights_in_fp16(default_model):
    fp16 = check_ir(default_model / IR_FP16)
    fp32 = check_ir(default_model / IR_FP32)
    assert fp16.element_types['f16'] > 90  # one per convolution kernel at least
    assert fp32.element_types['f16'] == 0
    fp16_bytes = (default_model / IR_FP16).with_suffix('.bin').stat().st_size
    fp32_bytes = (default_model / IR_FP32).with_suffix('.bin').stat().st_size
    assert 0.45 < fp16_bytes / fp32_bytes < 0.55


def test_check_ir_passes_the_default_fp16_ir(default_model, capsys):
    assert main(['check-ir', str(default_model / IR_FP16)]) == 0
    assert 'OK: readable by OpenVINO 2022.3' in capsys.readouterr().out
    recorded = json.loads((default_model / 'ir-check.json').read_text())
    assert recorded['ok'] is True and recorded['path'] == IR_FP16


def _without_layer_names(xml: Path) -> str:
    # OpenVINO numbers the layers it creates from a per-process counter: same graph, other names.
    return re.sub(r'<layer id="(\d+)" name="[^"]*"', r'<layer id="\1"', xml.read_text())


def test_the_command_line_rebuilds_the_same_model(default_model, tmp_path):
    again = tmp_path / 'default'
    env = dict(os.environ, PYTHONPATH=str(ROOT / 'models'), SOURCE_DATE_EPOCH='0')
    subprocess.run([sys.executable, '-m', 'leukotool', 'default', '--out', str(again)], env=env, check=True,
                   timeout=600)
    for name in ['model.pb', 'model-fp32.bin', 'model-fp16.bin', 'model-int8.bin']:
        assert sha256_of(again / name) == sha256_of(default_model / name), name
    for name in [IR_FP32, IR_FP16, IR_INT8]:
        assert _without_layer_names(again / name) == _without_layer_names(default_model / name), name
    manifest = json.loads((again / 'manifest.json').read_text())
    assert manifest['created'] == '1970-01-01T00:00:00Z'
    built = json.loads((default_model / 'manifest.json').read_text())
    assert manifest['quantization'] == built['quantization']
    assert manifest['agreement'] == built['agreement'], 'the same figures on the same CPU'
    assert manifest['source']['sha256'] == sha256_of(default_model / 'model.pb')
