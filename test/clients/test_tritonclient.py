"""tritonclient (PyPI), unchanged, against the service's KServe v2 API: the scores /classify gives."""
from __future__ import annotations

import base64

import numpy as np
import pytest
import tritonclient.http as httpclient
from conftest import IMAGES, MODEL, preprocessed
from tritonclient.utils import InferenceServerException

CELL = IMAGES / 'c-nmc' / 'UID_1_2_2_all.bmp'
FIELD = IMAGES / 'bccd' / 'BloodImage_00004.jpg'
EXACT = 1e-6


@pytest.fixture(scope='module')
def client(service):
    with httpclient.InferenceServerClient(service.address) as c:
        yield c


@pytest.fixture(scope='module')
def reference(service):
    """/classify's scores per image, in label order."""
    def scores(image):
        document = service.classify(image)
        return np.array([document['predictions'][0]['scores'][label] for label in ('normal', 'ALL')], dtype=np.float32)
    return {CELL: scores(CELL), FIELD: scores(FIELD)}


def infer(client, inputs, binary_output: bool, request_id: str = ''):
    outputs = [httpclient.InferRequestedOutput('predictions', binary_data=binary_output)]
    return client.infer(MODEL, inputs, outputs=outputs, request_id=request_id)


def test_server_and_model_metadata(client):
    assert client.is_server_live() and client.is_server_ready() and client.is_model_ready(MODEL)
    server = client.get_server_metadata()
    assert server['name'] == 'leukoserve' and 'binary_tensor_data' in server['extensions']
    model = client.get_model_metadata(MODEL)
    assert model['versions'] == ['1']
    assert {i['name']: (i['datatype'], i['shape']) for i in model['inputs']} == {
        'input': ('FP32', [-1, 299, 299, 3]), 'image': ('BYTES', [-1])}
    assert model['outputs'] == [{'name': 'predictions', 'datatype': 'FP32', 'shape': [-1, 2]}]
    assert model['parameters']['labels'] == 'normal,ALL'
    assert client.is_model_ready(MODEL, '1') and not client.is_model_ready(MODEL, '7')


@pytest.mark.parametrize('binary', [True, False], ids=['binary', 'json'])
def test_encoded_images_as_bytes(client, reference, binary):
    images = [CELL.read_bytes(), FIELD.read_bytes()]
    # JSON carries text only: images go base64-encoded there; the binary extension carries the bytes.
    data = np.array(images if binary else [base64.b64encode(i) for i in images], dtype=np.object_)
    image = httpclient.InferInput('image', [2], 'BYTES')
    image.set_data_from_numpy(data, binary_data=binary)
    result = infer(client, [image], binary_output=binary, request_id='batch-of-two')
    assert result.get_response()['id'] == 'batch-of-two'
    scores = result.as_numpy('predictions')
    assert scores.shape == (2, 2) and scores.dtype == np.float32
    np.testing.assert_allclose(scores, np.stack([reference[CELL], reference[FIELD]]), rtol=0, atol=EXACT)


@pytest.mark.parametrize('binary', [True, False], ids=['binary', 'json'])
def test_fp32_tensor_in_model_range(client, reference, binary):
    tensor = (preprocessed(CELL).astype(np.float32) / np.float32(127.5) - np.float32(1))[None]
    assert tensor.min() >= -1 and tensor.max() <= 1
    data = httpclient.InferInput('input', list(tensor.shape), 'FP32')
    data.set_data_from_numpy(tensor, binary_data=binary)
    scores = infer(client, [data], binary_output=not binary).as_numpy('predictions')
    np.testing.assert_allclose(scores[0], reference[CELL], rtol=0, atol=EXACT)


def test_uint8_tensor(client, reference):
    tensor = np.stack([preprocessed(CELL), preprocessed(FIELD)])
    data = httpclient.InferInput('input', list(tensor.shape), 'UINT8')
    data.set_data_from_numpy(tensor)
    scores = infer(client, [data], binary_output=True).as_numpy('predictions')
    np.testing.assert_allclose(scores, np.stack([reference[CELL], reference[FIELD]]), rtol=0, atol=EXACT)


def test_fp32_tensor_off_the_u8_grid_runs_on_the_f32_input_model(client, reference):
    """Values no u8 pixel maps to (another resize, say) go to the model's own f32 input: close, not equal."""
    grid = preprocessed(CELL).astype(np.float32) / np.float32(127.5) - np.float32(1)
    tensor = np.clip(grid + np.float32(0.5 / 127.5), -1, 1)[None]  # half a grey level: off the grid
    data = httpclient.InferInput('input', list(tensor.shape), 'FP32')
    data.set_data_from_numpy(tensor)
    scores = infer(client, [data], binary_output=True).as_numpy('predictions')
    np.testing.assert_allclose(scores[0], reference[CELL], rtol=0, atol=5e-2)
    assert np.abs(scores[0].sum() - 1) < 1e-5


def test_errors_carry_the_protocol_status(client):
    wrong = httpclient.InferInput('input', [1, 10, 10, 3], 'FP32')
    wrong.set_data_from_numpy(np.zeros([1, 10, 10, 3], dtype=np.float32))
    with pytest.raises(InferenceServerException) as bad_shape:
        client.infer(MODEL, [wrong])
    assert bad_shape.value.status() == '400' and '[N,299,299,3]' in bad_shape.value.message()
    image = httpclient.InferInput('image', [1], 'BYTES')
    image.set_data_from_numpy(np.array([CELL.read_bytes()], dtype=np.object_))
    with pytest.raises(InferenceServerException) as unknown:
        client.infer('no-such-model', [image])
    assert unknown.value.status() == '404'
    garbage = httpclient.InferInput('image', [1], 'BYTES')
    garbage.set_data_from_numpy(np.array([b'not an image at all'], dtype=np.object_))
    with pytest.raises(InferenceServerException) as not_image:
        client.infer(MODEL, [garbage])
    assert not_image.value.status() == '415'
