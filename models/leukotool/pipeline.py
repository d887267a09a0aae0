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
from .image_sets import ImageSet
from .progress import say
from .quantize import measure_agreement, quantize

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


# The repository's own images: the default model's INT8 IR is calibrated on them and on seeded augmented
# copies (no data set is downloaded), and its agreement with f32 is measured on other seeded copies.
FIXTURE_IMAGES = Path(__file__).resolve().parents[2] / 'test' / 'fixtures' / 'images'
FIXTURE_LABEL = 'test/fixtures/images'
CALIBRATION_COPIES = 7
AGREEMENT_COPIES = 7


def make_default(out: Path, seed: int = DEFAULT_SEED) -> dict:
    """The untrained, seeded model the service starts with: deterministic, never a diagnosis (trained=false).
    FP32 and FP16 IR, and an INT8 IR with its measured agreement with f32."""
    with staged(out) as stage:
        say(f'building Inception V3 with seeded weights (seed {seed}): NOT TRAINED')
        model = build_model(len(DEFAULT_LABELS), seed)
        export(model, stage, name=DEFAULT_NAME, version=f'0.1.0-untrained-seed{seed}', trained=False, training=None)
        quantize(stage, ImageSet.load(FIXTURE_IMAGES, per_image=CALIBRATION_COPIES, seed=seed, label=FIXTURE_LABEL))
        return measure_agreement(stage, ImageSet.load(FIXTURE_IMAGES, per_image=AGREEMENT_COPIES, seed=seed + 1,
                                                      label=FIXTURE_LABEL))

