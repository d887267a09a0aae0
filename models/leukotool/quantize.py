"""Faster precisions of the FP32 IR and their measured agreement with f32.

INT8: NNCF post-training quantization of the FP32 IR (model-int8.xml beside the others), calibrated on
serving inputs. bf16: the FP32 IR compiled with INFERENCE_PRECISION_HINT=bf16, only where the CPU has
bf16 units. A medical classifier may only go faster where the answer stays the same, so each precision
carries its agreement with f32 (max and mean |delta score|, label agreement) into manifest.json, with the
CPU it was measured on: the service's CPU_PRECISION=auto reads it.
"""
from __future__ import annotations

import platform
import re
from pathlib import Path

import numpy as np
import openvino as ov

from .image_sets import ImageSet
from .manifest import read_manifest, write_manifest
from .progress import say

IR_INT8 = 'model-int8.xml'
DEFAULT_SUBSET = 300
# What each precision compiles on the CPU: its IR and the INFERENCE_PRECISION_HINT the service sets too.
PRECISIONS = {'f32': ('fp32', 'f32'), 'bf16': ('fp32', 'bf16'), 'int8': ('int8', 'f32')}
_CPU_FLAGS = re.compile(r'^(avx512\w*|amx\w*|avx_vnni)$')


def cpu_description(core: ov.Core) -> dict:
    """The CPU a figure was measured on: /proc/cpuinfo's model name and SIMD flags, and what OpenVINO sees."""
    model, flags = platform.processor() or platform.machine(), []
    cpuinfo = Path('/proc/cpuinfo')
    if cpuinfo.is_file():
        text = cpuinfo.read_text()
        name = re.search(r'^model name\s*:\s*(.+)$', text, re.M)
        model = name.group(1).strip() if name else model
        found = re.search(r'^(?:flags|Features)\s*:\s*(.+)$', text, re.M)
        flags = sorted({f for f in (found.group(1).split() if found else []) if _CPU_FLAGS.match(f)})
    return {'model': model, 'flags': flags, 'openvino': ov.get_version(),
            'capabilities': sorted(core.get_property('CPU', 'OPTIMIZATION_CAPABILITIES'))}


def quantize(model_dir: Path, calibration: ImageSet, *, subset: int = DEFAULT_SUBSET) -> dict:
    """Writes model-int8.xml/.bin from the FP32 IR and records it (`ir.int8`, `quantization`) in the manifest."""
    import nncf  # heavy; only this command needs it
    manifest = read_manifest(model_dir)
    fp32 = model_dir / manifest['ir']['fp32']
    say(f'quantizing {fp32} to INT8 (NNCF {nncf.__version__}, {len(calibration.inputs)} calibration inputs '
        f'from {calibration.images} images in {calibration.folder})')
    model = ov.Core().read_model(fp32)
    quantized = nncf.quantize(model, nncf.Dataset(calibration.inputs), preset=nncf.QuantizationPreset.PERFORMANCE,
                              subset_size=min(subset, len(calibration.inputs)))
    ov.save_model(quantized, model_dir / IR_INT8, compress_to_fp16=False)
    manifest['ir']['int8'] = IR_INT8
    manifest['quantization'] = {'tool': f'nncf {nncf.__version__}', 'method': 'post-training, preset performance',
                                'subset': min(subset, len(calibration.inputs)),
                                'calibration': calibration.describe()}
    write_manifest(model_dir, manifest)
    return manifest


def _probabilities(output: np.ndarray, kind: str) -> np.ndarray:
    if kind == 'probabilities':
        return output
    shifted = np.exp(output - output.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)


def _scores(core: ov.Core, xml: Path, hint: str, inputs: list[np.ndarray], kind: str) -> np.ndarray:
    compiled = core.compile_model(xml, 'CPU', {'INFERENCE_PRECISION_HINT': hint})
    return np.concatenate([_probabilities(compiled([batch])[0], kind) for batch in inputs])


def measure_agreement(model_dir: Path, images: ImageSet) -> dict:
    """Scores of every faster precision against f32 on `images`, recorded per precision in the manifest."""
    manifest = read_manifest(model_dir)
    core = ov.Core()
    cpu = cpu_description(core)
    kind = manifest['output']['kind']
    ir_of = {key: model_dir / name for key, name in manifest['ir'].items()}
    say(f'measuring precision agreement with f32 on {len(images.inputs)} inputs ({cpu["model"]})')
    reference = _scores(core, ir_of['fp32'], 'f32', images.inputs, kind)
    precisions = {}
    for precision, (ir, hint) in PRECISIONS.items():
        if precision == 'f32':
            continue
        if ir not in ir_of:
            precisions[precision] = {'measured': False, 'reason': f'no {ir.upper()} IR in this model directory'}
        elif hint == 'bf16' and 'BF16' not in cpu['capabilities']:
            precisions[precision] = {'measured': False, 'reason': 'not measurable on this CPU (no BF16 in '
                                     "OpenVINO's OPTIMIZATION_CAPABILITIES: needs avx512_bf16 or amx_bf16)"}
        else:
            scores = _scores(core, ir_of[ir], hint, images.inputs, kind)
            delta = np.abs(scores - reference)
            precisions[precision] = {
                'measured': True, 'ir': ir, 'inference_precision': hint,
                'label_agreement': float(np.mean(scores.argmax(-1) == reference.argmax(-1))),
                'max_abs_score_delta': float(delta.max()), 'mean_abs_score_delta': float(delta.mean()),
            }
            say(f'{precision}: {precisions[precision]}')
    manifest['agreement'] = {'reference': 'f32', 'images': images.describe(), 'cpu': cpu, 'precisions': precisions}
    write_manifest(model_dir, manifest)
    return manifest
