"""The IR computes what TensorFlow computes from the frozen .pb, on real preprocessed images."""
from __future__ import annotations

import numpy as np
import pytest
from leukotool.convert import IR_FP16, IR_FP32, convert
from runners import run_frozen, run_ir

TOLERANCE = {IR_FP32: 1e-4, IR_FP16: 1e-2}


@pytest.fixture(scope='module')
def logits_model(default_model, tmp_path_factory):
    """The same .pb converted at its `logits` output: pre-softmax values show differences probabilities hide."""
    out = tmp_path_factory.mktemp('logits')
    convert(default_model / 'model.pb', out, labels=['normal', 'ALL'], name='logits-view', version='test',
            output_name='logits', output_kind='logits')
    return out


@pytest.mark.parametrize('xml', [IR_FP32, IR_FP16])
def test_ir_logits_match_tensorflow(logits_model, fixture_batch, xml):
    expected = run_frozen(logits_model / 'model.pb', fixture_batch, 'logits')
    actual = run_ir(logits_model / xml, fixture_batch)
    # The model must really respond to its input, or matching would prove nothing.
    assert np.abs(expected[0] - expected[1]).max() > 10 * TOLERANCE[IR_FP16]
    np.testing.assert_allclose(actual, expected, rtol=0, atol=TOLERANCE[xml])


@pytest.mark.parametrize('xml', [IR_FP32, IR_FP16])
def test_ir_probabilities_match_tensorflow(default_model, fixture_batch, xml):
    expected = run_frozen(default_model / 'model.pb', fixture_batch, 'predictions')
    actual = run_ir(default_model / xml, fixture_batch)
    assert np.all((expected > 0.05) & (expected < 0.95)), 'saturated outputs would hide differences'
    np.testing.assert_allclose(actual.sum(axis=1), 1, atol=1e-5)
    np.testing.assert_allclose(actual, expected, rtol=0, atol=TOLERANCE[xml])
