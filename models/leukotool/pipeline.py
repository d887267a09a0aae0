"""The steps chained: a Keras model -> model directory (frozen .pb, IR, manifest), written all at once."""
from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterator
from pathlib import Path

import keras

from .convert import PB_FILE, convert
from .defaults import DEFAULT_LABELS, DEFAULT_NAME, DEFAULT_SEED
from .freeze import PROBABILITIES_NODE, freeze
from .inception import build_model
from .progress import say

@contextlib.contextmanager
def staged(out: Path) -> Iterator[Path]:
    """Yields a sibling directory to fill, then swaps it in for `out`: a service or test reading `out`
    (models/default is rebuilt by every `npm test` set-up) never sees a half-written model."""
    stage = out.with_name(f'.{out.name}.partial')
    old = out.with_name(f'.{out.name}.old')
    for leftover in (stage, old):
        shutil.rmtree(leftover, ignore_errors=True)
    stage.mkdir(parents=True)
    try:
        yield stage
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    if out.exists():
        out.rename(old)
    stage.rename(out)
    shutil.rmtree(old, ignore_errors=True)
    say(f'{out} is ready')


def export(model: keras.Model, out: Path, *, name: str, version: str, trained: bool,
           training: dict | None) -> dict:
    """Freeze + convert. The service reads the probabilities; the .pb keeps `logits` too for parity checks."""
    say('freezing the graph (variables -> constants)')
    pb = freeze(model, out / PB_FILE)
    return convert(pb, out, labels=list(DEFAULT_LABELS), name=name, version=version, output_name=PROBABILITIES_NODE,
                   output_kind='probabilities', trained=trained, training=training)


def make_default(out: Path, seed: int = DEFAULT_SEED) -> dict:
    """The untrained, seeded model the service starts with: deterministic, never a diagnosis (trained=false)."""
    with staged(out) as stage:
        say(f'building Inception V3 with seeded weights (seed {seed}): NOT TRAINED')
        model = build_model(len(DEFAULT_LABELS), seed)
        return export(model, stage, name=DEFAULT_NAME, version=f'0.1.0-untrained-seed{seed}', trained=False,
                      training=None)

