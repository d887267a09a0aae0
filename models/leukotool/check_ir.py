"""Can an OpenVINO 2022.3 runtime (the last one with the NCS2's MYRIAD plugin) read this IR?

IR compatibility only runs forward, so an IR written by today's converter is checked against what
2022.3 knows: IR versions 10 and 11, operations from opset1..opset10, and its element types.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .errors import IrCompatibilityError

TARGET_RUNTIME = '2022.3'
MAX_OPSET = 10
IR_VERSIONS = {'10', '11'}
# Element types of ov::element::Type_t in 2022.3 (later releases added string, nf4, f8*, u2/u3/u6, ...).
ELEMENT_TYPES = {'undefined', 'dynamic', 'boolean', 'bf16', 'f16', 'f32', 'f64', 'i4', 'i8', 'i16', 'i32', 'i64',
                 'u1', 'u4', 'u8', 'u16', 'u32', 'u64'}
# Port precisions are spelled the old Inference Engine way (FP32, BOOL); element_type attributes the new way.
_PRECISION_ALIASES = {'fp16': 'f16', 'fp32': 'f32', 'fp64': 'f64', 'bool': 'boolean'}
_OPSET = re.compile(r'^opset(\d+)$')


@dataclass
class IrReport:
    path: str
    ir_version: str
    ops: Counter = field(default_factory=Counter)  # 'Type@opsetN' -> count
    element_types: Counter = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict:
        return {'path': self.path, 'runtime': TARGET_RUNTIME, 'ok': self.ok, 'ir_version': self.ir_version,
                'ops': dict(sorted(self.ops.items())), 'element_types': dict(sorted(self.element_types.items())),
                'problems': self.problems}


def check_ir(xml_path: Path) -> IrReport:
    try:
        root = ET.parse(xml_path).getroot()
    except (OSError, ET.ParseError) as cause:
        raise IrCompatibilityError(f'cannot read IR {xml_path}: {cause}') from cause
    if root.tag != 'net':
        raise IrCompatibilityError(f'{xml_path} is not an OpenVINO IR (root element <{root.tag}>, expected <net>)')
    report = IrReport(path=str(xml_path), ir_version=root.get('version', '?'))
    if report.ir_version not in IR_VERSIONS:
        report.problems.append(f'IR version {report.ir_version} (OpenVINO {TARGET_RUNTIME} reads 10 and 11)')
    for layer in root.iter('layer'):
        op, version = layer.get('type', '?'), layer.get('version', '?')
        report.ops[f'{op}@{version}'] += 1
        match = _OPSET.match(version)
        if not match:
            problem = f'{op}@{version}: not a standard opset (a runtime extension or internal operation)'
        elif int(match.group(1)) > MAX_OPSET:
            problem = f'{op}@{version}: OpenVINO {TARGET_RUNTIME} knows opset1..opset{MAX_OPSET} only'
        else:
            continue
        if problem not in report.problems:
            report.problems.append(problem)
    for element in root.iter():
        element_type = element.get('element_type') or element.get('precision')
        if element_type is None:
            continue
        element_type = _PRECISION_ALIASES.get(element_type.lower(), element_type.lower())
        report.element_types[element_type] += 1
        problem = f'element type {element_type}: unknown to OpenVINO {TARGET_RUNTIME}'
        if element_type not in ELEMENT_TYPES and problem not in report.problems:
            report.problems.append(problem)
    return report


def format_report(report: IrReport) -> str:
    lines = [f'{report.path}: IR v{report.ir_version}, {sum(report.ops.values())} layers']
    lines += [f'  {op} x{count}' for op, count in sorted(report.ops.items())]
    lines.append(f'  element types: {", ".join(sorted(report.element_types))}')
    if report.ok:
        lines.append(f'OK: readable by OpenVINO {TARGET_RUNTIME} (opset1..opset{MAX_OPSET})')
    else:
        lines.append(f'FAIL: OpenVINO {TARGET_RUNTIME} cannot read this IR:')
        lines += [f'  - {problem}' for problem in report.problems]
    return '\n'.join(lines)
