"""Starts the real service (node + tsx, the TypeScript source) on a free loopback port, and stops it."""
from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
MODEL_DIR = ROOT / 'models' / 'default'
IMAGES = ROOT / 'test' / 'fixtures' / 'images'
MODEL = json.loads((MODEL_DIR / 'manifest.json').read_text())['name']


@dataclass
class Service:
    url: str  # http://127.0.0.1:PORT
    process: subprocess.Popen

    @property
    def address(self) -> str:
        return self.url.removeprefix('http://')

    def get(self, path: str) -> tuple[int, dict]:
        try:
            with urllib.request.urlopen(self.url + path, timeout=30) as res:
                return res.status, json.loads(res.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())

    def classify(self, image: Path, query: str = '') -> dict:
        request = urllib.request.Request(self.url + '/classify' + query, data=image.read_bytes(),
                                         headers={'content-type': 'application/octet-stream'})
        with urllib.request.urlopen(request, timeout=60) as res:
            return json.loads(res.read())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def start_service(env: dict[str, str], log: Path) -> Service:
    port = free_port()
    full_env = {**os.environ, 'PORT': str(port), 'HOST': '127.0.0.1', 'DEVICE': 'CPU', 'LOG_LEVEL': 'info',
                'FAILBACK_INTERVAL_MS': '0', 'NODE_OPTIONS': '', **env}
    out = log.open('w')
    process = subprocess.Popen(['node', '--import', 'tsx', 'src/main.ts'], cwd=ROOT, env=full_env, stdout=out,
                               stderr=subprocess.STDOUT)
    service = Service(f'http://127.0.0.1:{port}', process)
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f'the service exited ({process.returncode}): {log.read_text()[-2000:]}')
        try:
            if service.get('/v2/health/ready')[0] == 200:
                return service
        except OSError:
            pass
        time.sleep(0.5)
    stop_service(service)
    raise RuntimeError(f'the service did not become ready: {log.read_text()[-2000:]}')


def stop_service(service: Service) -> None:
    service.process.send_signal(signal.SIGTERM)
    try:
        service.process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        service.process.kill()
        service.process.wait()


@pytest.fixture(scope='session')
def service(tmp_path_factory):
    """The service on the default model (MODEL_DIR), as `npm start` runs it."""
    started = start_service({'MODEL_DIR': str(MODEL_DIR)}, tmp_path_factory.mktemp('log') / 'service.log')
    yield started
    stop_service(started)
    assert started.process.returncode == 0


def preprocessed(image: Path) -> np.ndarray:
    """The service's own u8 tensor of `image` ([299, 299, 3]), from its TypeScript preprocessing."""
    raw = subprocess.run(['node', '--import', 'tsx', 'test/support/preprocessed-tensor.ts', str(image)], cwd=ROOT,
                         check=True, capture_output=True, env={**os.environ, 'NODE_OPTIONS': ''}).stdout
    return np.frombuffer(raw, dtype=np.uint8).reshape(299, 299, 3)


def make_version(repository: Path, name: str, version: int, *, broken: bool = False) -> Path:
    """A version of the default model (its IR files linked, its manifest copied), moved into place at once."""
    staging = repository / f'.staging-{name}-{version}'
    staging.mkdir(parents=True)
    for item in MODEL_DIR.iterdir():
        if item.name == 'manifest.json' or item.name.startswith('.'):
            continue
        (staging / item.name).symlink_to(item)
    manifest = json.loads((MODEL_DIR / 'manifest.json').read_text())
    manifest['version'] = f"{manifest['version']}-v{version}"
    (staging / 'manifest.json').write_text(json.dumps(manifest))
    if broken:
        for xml in ('model-fp32.xml', 'model-fp16.xml'):
            (staging / xml).unlink()
            (staging / xml).write_text('<net>not an IR</net>')
    target = repository / name / str(version)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging.rename(target)  # atomic: the watcher never sees half a version
    return target


@pytest.fixture
def repository(tmp_path):
    root = tmp_path / 'repository'
    root.mkdir()
    yield root
    shutil.rmtree(root, ignore_errors=True)
