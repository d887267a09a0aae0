"""Frozen TensorFlow .pb -> OpenVINO IR (FP32 for the CPU, FP16 for the NCS2) + manifest.json."""
from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Iterable
from pathlib import Path

import openvino as ov

from .check_ir import check_ir, format_report
from .errors import ConversionError
from .manifest import INPUT_SHAPE, make_manifest, write_manifest
from .progress import say

PB_FILE = 'model.pb'
IR_FP32 = 'model-fp32.xml'
IR_FP16 = 'model-fp16.xml'
IR_CHECK_FILE = 'ir-check.json'


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open('rb') as f:
        for chunk in iter(lambda: f.read(1 << 20), b''):
            digest.update(chunk)
    return digest.hexdigest()


def _named(port: ov.Output, name: str) -> bool:
    # The TF frontend names tensors the TensorFlow way (`input:0`); users name nodes (`input`).
    return bool({name, f'{name}:0'} & port.get_names())


def _node_names(ports: Iterable[ov.Output]) -> str:
    return ', '.join(sorted({n.removesuffix(':0') for port in ports for n in port.get_names()}))


def read_pb(pb: Path, input_name: str, output_name: str) -> ov.Model:
    """The .pb as an OpenVINO model with one input [1,299,299,3] and one output, both renamed to the names given."""
    try:
        model = ov.convert_model(str(pb))
    except Exception as cause:  # the converter raises bare Exceptions
        raise ConversionError(f'OpenVINO cannot convert {pb}: {cause}') from cause
    parameters = model.get_parameters()
    parameter = next((p for p in parameters if _named(p.output(0), input_name)), None)
    if parameter is None or len(parameters) != 1:
        found = _node_names(p.output(0) for p in parameters)
        raise ConversionError(f'{pb} must have exactly one input named {input_name!r}; it has: {found}')
    # Prefer the graph's outputs; fall back to an inner tensor (e.g. TF-Slim logits) so any node can be exported.
    candidates = list(model.outputs) + [port for op in model.get_ordered_ops() for port in op.outputs()]
    output = next((port for port in candidates if _named(port, output_name)), None)
    if output is None:
        raise ConversionError(f'{pb} has no tensor named {output_name!r}; its outputs are: '
                              f'{_node_names(model.outputs)}')
    selected = ov.Model([output], [parameter], pb.stem)
    selected.reshape({parameter.output(0): INPUT_SHAPE})
    parameter.set_friendly_name(input_name)
    parameter.output(0).get_tensor().set_names({input_name})
    output.get_tensor().set_names({output_name})
    return selected


def _check_classes(model: ov.Model, output_name: str, labels: list[str]) -> None:
    shape = list(model.outputs[0].get_shape())
    if shape != [1, len(labels)]:
        raise ConversionError(f'output {output_name!r} has shape {shape} but {len(labels)} labels were given '
                              '(--labels: one name per output class, in output-index order)')


def _verify_ir(xml: Path, input_name: str, output_name: str) -> None:
    """Reads the IR back as the service will and checks the port names the manifest promises."""
    model = ov.Core().read_model(xml)
    inputs, outputs = model.inputs, model.outputs
    if len(inputs) != 1 or input_name not in inputs[0].get_names() or list(inputs[0].get_shape()) != INPUT_SHAPE:
        raise ConversionError(f'{xml}: expected one input {input_name!r} {INPUT_SHAPE}, got {inputs}')
    if len(outputs) != 1 or output_name not in outputs[0].get_names():
        raise ConversionError(f'{xml}: expected one output {output_name!r}, got {outputs}')


def convert(pb: Path, out: Path, *, labels: list[str], name: str, version: str, input_name: str = 'input',
            output_name: str = 'predictions', output_kind: str = 'probabilities',
            trained: bool = False, training: dict | None = None) -> dict:
    """Writes model.pb (a copy: OpenVINO 2022.3 on a Pi can read it directly), model-fp32/fp16.xml+bin,
    ir-check.json (can 2022.3 read the FP16 IR?) and manifest.json into `out`; returns the manifest."""
    if training is not None and not trained:
        raise ConversionError('training metrics were given for a model marked untrained')
    if not pb.is_file():
        raise ConversionError(f'no frozen graph at {pb}')
    out.mkdir(parents=True, exist_ok=True)
    source = out / PB_FILE
    if pb.resolve() != source.resolve():
        shutil.copyfile(pb, source)
    say(f'converting {pb} ({input_name} -> {output_name}) to OpenVINO IR')
    model = read_pb(source, input_name, output_name)
    _check_classes(model, output_name, labels)
    ov.save_model(model, out / IR_FP32, compress_to_fp16=False)
    # The NCS2 (MYRIAD) computes in FP16 only. compress_to_fp16 stores the weights as f16 constants, each
    # followed by a Convert to f32 that the runtime folds away: the form 2022.x's Model Optimizer wrote for
    # `--data_type FP16`, which the MYRIAD plugin loads (activations are FP16 on the stick either way).
    ov.save_model(model, out / IR_FP16, compress_to_fp16=True)
    for xml in (out / IR_FP32, out / IR_FP16):
        _verify_ir(xml, input_name, output_name)

    report = check_ir(out / IR_FP16)
    if not report.element_types.get('f16'):
        raise ConversionError(f'{out / IR_FP16} holds no f16 weights: compress_to_fp16 did not compress')
    (out / IR_CHECK_FILE).write_text(json.dumps(dict(report.as_dict(), path=IR_FP16), indent=2) + '\n')
    if not report.ok:
        say('WARNING: the FP16 IR will not load on OpenVINO 2022.3 (the NCS2 runtime):\n' + format_report(report))

    manifest = make_manifest(name=name, version=version, labels=labels, input_name=input_name,
                             output_name=output_name, output_kind=output_kind, ir_fp32=IR_FP32, ir_fp16=IR_FP16,
                             pb=PB_FILE, pb_sha256=sha256_of(source), trained=trained,
                             training=training)
    write_manifest(out, manifest)
    say(f'wrote {out} ({name} {version}, trained={manifest["trained"]})')
    return manifest
