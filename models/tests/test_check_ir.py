"""check-ir: what an OpenVINO 2022.3 runtime (the NCS2's) cannot read is refused with the reason."""
from __future__ import annotations

import json

import pytest
from leukotool.__main__ import main
from leukotool.check_ir import check_ir
from leukotool.errors import IrCompatibilityError


def ir_xml(*layers: tuple[str, str], ir_version: str = '11', element_type: str = 'f32') -> str:
    body = '\n'.join(f'<layer id="{i}" name="l{i}" type="{op}" version="{version}">'
                     f'<data element_type="{element_type}" shape="1"/></layer>'
                     for i, (op, version) in enumerate(layers))
    return f'<?xml version="1.0"?>\n<net name="crafted" version="{ir_version}"><layers>{body}</layers></net>\n'


def test_an_opset15_layer_fails_naming_the_layer(tmp_path, capsys):
    xml = tmp_path / 'crafted.xml'
    xml.write_text(ir_xml(('Parameter', 'opset1'), ('ScatterNDUpdate', 'opset15'), ('Result', 'opset1')))
    assert main(['check-ir', str(xml)]) == 1
    out = capsys.readouterr().out
    assert 'FAIL' in out and 'ScatterNDUpdate@opset15' in out and 'opset1..opset10' in out


def test_opset10_and_below_pass_with_the_op_list(tmp_path, capsys):
    xml = tmp_path / 'ok.xml'
    xml.write_text(ir_xml(('Parameter', 'opset1'), ('MaxPool', 'opset8'), ('Interpolate', 'opset4'),
                          ('Unique', 'opset10'), ('Result', 'opset1')))
    assert main(['check-ir', '--json', str(xml)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report['ok'] is True
    assert report['ops'] == {'Interpolate@opset4': 1, 'MaxPool@opset8': 1, 'Parameter@opset1': 1,
                             'Result@opset1': 1, 'Unique@opset10': 1}


@pytest.mark.parametrize(('layers', 'ir_version', 'element_type', 'problem'), [
    ((('GatherCompressed', 'ie_internal_opset'),), '11', 'f32', 'not a standard opset'),
    ((('MyOp', 'extension'),), '11', 'f32', 'not a standard opset'),
    ((('Const', 'opset1'),), '12', 'f32', 'IR version 12'),
    ((('Const', 'opset1'),), '11', 'f8e4m3', 'element type f8e4m3'),
    ((('Const', 'opset1'),), '11', 'string', 'element type string'),
])
def test_what_2022_3_does_not_know_is_a_problem(tmp_path, layers, ir_version, element_type, problem):
    xml = tmp_path / 'crafted.xml'
    xml.write_text(ir_xml(*layers, ir_version=ir_version, element_type=element_type))
    report = check_ir(xml)
    assert not report.ok
    assert any(problem in p for p in report.problems), report.problems


def test_a_file_that_is_not_an_ir_is_an_error(tmp_path):
    xml = tmp_path / 'other.xml'
    xml.write_text('<html/>')
    with pytest.raises(IrCompatibilityError, match='not an OpenVINO IR'):
        check_ir(xml)
    assert main(['check-ir', str(tmp_path / 'missing.xml')]) == 2
