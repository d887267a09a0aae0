"""A .pb frozen the TF-Slim way (as the Peter Moss NCS project did) converts and matches TensorFlow."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import openvino as ov
import pytest
import tensorflow as tf
from leukotool.check_ir import check_ir
from leukotool.convert import IR_FP16, IR_FP32, convert, read_pb
from leukotool.errors import ConversionError
from runners import run_frozen, run_ir
from tf_slim.nets import inception_v3

PROBABILITIES = 'InceptionV3/Predictions/Reshape_1'
LOGITS = 'InceptionV3/Logits/SpatialSqueeze'
TOLERANCE = {IR_FP32: 1e-4, IR_FP16: 1e-2}


def freeze_slim_inception(pb: Path, seed: int = 1234) -> None:
    """tf_slim's own inception_v3 (2 classes) in graph mode, frozen with its probabilities as the only output.
    Kernels are re-drawn He-normal from a seeded generator: slim's default Xavier initialisation shrinks the
    signal through the network until every image gives the same output."""
    tf1 = tf.compat.v1
    graph = tf.Graph()
    with graph.as_default():
        image = tf1.placeholder(tf.float32, [1, 299, 299, 3], name='input')
        inception_v3.inception_v3(image, num_classes=2, is_training=False)
        rng = np.random.default_rng(seed)
        with tf1.Session(graph=graph) as session:
            session.run(tf1.global_variables_initializer())
            for variable in tf1.global_variables():
                if variable.op.name.endswith('/weights'):
                    shape = variable.shape.as_list()
                    std = np.sqrt(2.0 / np.prod(shape[:-1]))
                    variable.load(rng.normal(0.0, std, shape).astype(np.float32), session)
            frozen = tf1.graph_util.convert_variables_to_constants(session, graph.as_graph_def(), [PROBABILITIES])
    pb.write_bytes(frozen.SerializeToString())


@pytest.fixture(scope='module')
def slim_model(tmp_path_factory) -> Path:
    pb = tmp_path_factory.mktemp('slim-pb') / 'inception_v3_slim.pb'
    freeze_slim_inception(pb)
    out = tmp_path_factory.mktemp('slim-ir')
    convert(pb, out, labels=['normal', 'ALL'], name='slim-inception-v3', version='test', output_name=PROBABILITIES)
    return out


def test_manifest_names_the_slim_output(slim_model):
    manifest = json.loads((slim_model / 'manifest.json').read_text())
    assert manifest['input']['name'] == 'input'
    assert manifest['output'] == {'name': PROBABILITIES, 'kind': 'probabilities'}
    model = ov.Core().read_model(slim_model / manifest['ir']['fp32'])
    assert model.outputs[0].get_names() == {PROBABILITIES}
    assert check_ir(slim_model / IR_FP16).ok


@pytest.mark.parametrize('xml', [IR_FP32, IR_FP16])
def test_slim_probabilities_match_tensorflow(slim_model, fixture_batch, xml):
    expected = run_frozen(slim_model / 'model.pb', fixture_batch, PROBABILITIES)
    actual = run_ir(slim_model / xml, fixture_batch)
    assert np.all((expected > 0.05) & (expected < 0.95)), 'saturated outputs would hide differences'
    np.testing.assert_allclose(actual, expected, rtol=0, atol=TOLERANCE[xml])


def test_inner_logits_tensor_can_be_exported_and_matches(slim_model, fixture_batch, tmp_path):
    """The frozen graph's only output is the softmax; its logits are an inner tensor found by name."""
    model = read_pb(slim_model / 'model.pb', 'input', LOGITS)
    ov.save_model(model, tmp_path / 'logits.xml', compress_to_fp16=False)
    expected = run_frozen(slim_model / 'model.pb', fixture_batch, LOGITS)
    actual = run_ir(tmp_path / 'logits.xml', fixture_batch)
    assert np.abs(expected[0] - expected[1]).max() > 100 * TOLERANCE[IR_FP32]
    np.testing.assert_allclose(actual, expected, rtol=0, atol=TOLERANCE[IR_FP32])


@pytest.mark.parametrize(('options', 'message'), [
    ({'output_name': 'nope'}, "no tensor named 'nope'; its outputs are: InceptionV3/Predictions/Reshape_1$"),
    ({'input_name': 'image'}, "exactly one input named 'image'; it has: input$"),
    ({'labels': ['a', 'b', 'c']}, r'shape \[1, 2\] but 3 labels were given'),
])
def test_wrong_names_or_labels_fail_before_anything_is_written(slim_model, tmp_path, options, message):
    arguments = {'labels': ['normal', 'ALL'], 'output_name': PROBABILITIES} | options
    with pytest.raises(ConversionError, match=message):
        convert(slim_model / 'model.pb', tmp_path, name='slim', version='test', **arguments)
    assert not list(tmp_path.glob('*.xml')) and not (tmp_path / 'manifest.json').exists()
