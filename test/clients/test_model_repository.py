"""A model repository under load: a new version swaps in with no failed request; a broken one is refused."""
from __future__ import annotations

import threading
import time
from collections import Counter

import numpy as np
import tritonclient.http as httpclient
from conftest import IMAGES, make_version, start_service, stop_service

NAME = 'leuko'
CELL = IMAGES / 'c-nmc' / 'UID_1_2_2_all.bmp'
CLIENTS = 4


def wait_for(predicate, what: str, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f'timed out waiting for {what}'
        time.sleep(0.2)


def test_versions_swap_under_load_without_a_failed_request(repository, tmp_path):
    make_version(repository, NAME, 1)
    service = start_service({'MODEL_REPOSITORY': str(repository), 'REPOSITORY_POLL_MS': '1000'}, tmp_path / 'service.log')
    served: Counter[str] = Counter()
    failures: list[str] = []
    stop = threading.Event()

    def load() -> None:
        with httpclient.InferenceServerClient(service.address, connection_timeout=120, network_timeout=120) as client:
            image = httpclient.InferInput('image', [1], 'BYTES')
            image.set_data_from_numpy(np.array([CELL.read_bytes()], dtype=np.object_))
            while not stop.is_set():
                try:
                    result = client.infer(NAME, [image])
                    served[result.get_response()['model_version']] += 1
                except Exception as error:  # every failure counts, whatever its kind
                    failures.append(repr(error))

    workers = [threading.Thread(target=load) for _ in range(CLIENTS)]
    try:
        for w in workers:
            w.start()
        wait_for(lambda: served['1'] >= 8, 'version 1 serving under load')

        make_version(repository, NAME, 2)
        wait_for(lambda: service.get(f'/v2/models/{NAME}')[1].get('versions') == ['2'], 'version 2 swapped in, 1 retired')
        count_at_swap = served['2']
        wait_for(lambda: served['2'] >= count_at_swap + 8, 'version 2 serving under load')

        make_version(repository, NAME, 3, broken=True)
        wait_for(lambda: 'is failed' in service.get(f'/v2/models/{NAME}/versions/3/ready')[1].get('error', ''), 'version 3 refused')
        status, body = service.get(f'/v2/models/{NAME}/versions/3/ready')
        assert status == 503 and 'model-fp32.xml' in body['error']
        count_at_refusal = served['2']
        wait_for(lambda: served['2'] >= count_at_refusal + 8, 'version 2 still serving after the broken version')
    finally:
        stop.set()
        for w in workers:
            w.join()
        _, model = service.get('/model')
        _, devices = service.get('/devices')
        stop_service(service)

    assert failures == [], f'{len(failures)} failed requests: {failures[:3]}'
    assert served['1'] > 0 and served['2'] > 0
    states = {(s['version'], s['state']) for s in model['repository']}
    assert states == {('2', 'ready'), ('3', 'failed')}
    assert [m['device'] for m in devices['models'] if m['state'] == 'ready'] == ['CPU']
    assert service.process.returncode == 0
