"""Transfer learning: retrain Inception V3's final layer on a folder of labelled cell images."""
from __future__ import annotations

import json
import math
from pathlib import Path

import keras
import numpy as np

from .dataset import POSITIVE, Sample, discover, evaluation_batches, split, training_batches
from .defaults import DEFAULT_LABELS, DEFAULT_NAME
from .errors import ModelDirError
from .inception import build_model, head_only_trainable, load_model_dir, save_model_dir
from .manifest import training_block
from .metrics import binary_metrics
from .pipeline import export, staged
from .progress import say

METRICS_FILE = 'metrics.json'


def evaluate(model: keras.Model, samples: list[Sample], batch: int) -> dict:
    logits = model.predict(evaluation_batches(samples, batch), verbose=0)
    probabilities = keras.ops.convert_to_numpy(keras.ops.softmax(logits, axis=-1))
    return binary_metrics(np.array([s.label == POSITIVE for s in samples]), probabilities[:, POSITIVE])


def train(data: Path, out: Path, *, epochs: int = 5, steps: int | None = None, val_split: float = 0.2,
          batch: int = 16, seed: int = 1234, learning_rate: float = 1e-3, from_dir: Path | None = None,
          name: str = DEFAULT_NAME, version: str | None = None) -> dict:
    """Writes `out` as a model directory (model.keras, metrics.json, .pb, IR, manifest trained=true);
    returns the metrics."""
    samples = discover(data)
    train_set, validation_set = split(samples, val_split, seed)
    say(f'{data}: {len(train_set)} training / {len(validation_set)} validation images')
    model = load_model_dir(from_dir) if from_dir else build_model(len(DEFAULT_LABELS), seed)
    if model.output.shape[-1] != len(DEFAULT_LABELS):
        raise ModelDirError(f'{from_dir} has {model.output.shape[-1]} classes; training needs '
                            f'{len(DEFAULT_LABELS)} ({", ".join(DEFAULT_LABELS)})')
    keras.utils.set_random_seed(seed)
    head_only_trainable(model)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=['accuracy'])
    steps = steps or math.ceil(len(train_set) / batch)
    say(f'training the final layer: {epochs} epoch(s) x {steps} step(s) of {batch}')
    # shuffle=False: the tf.data pipeline shuffles itself, with the seed.
    model.fit(training_batches(train_set, batch, seed), epochs=epochs, steps_per_epoch=steps, shuffle=False,
              verbose=2)

    say('evaluating (no augmentation)')
    metrics = {'dataset': data.name, 'epochs': epochs, 'steps_per_epoch': steps, 'batch': batch, 'seed': seed,
               'labels': list(DEFAULT_LABELS), 'positive': DEFAULT_LABELS[POSITIVE],
               'train': evaluate(model, train_set, batch), 'validation': evaluate(model, validation_set, batch)}
    say(f'validation: {json.dumps(metrics["validation"])}')
    with staged(out) as stage:
        save_model_dir(model, stage, seed=seed, origin=f'trained on {data.name} from {from_dir or "seeded weights"}')
        (stage / METRICS_FILE).write_text(json.dumps(metrics, indent=2) + '\n')
        export(model, stage, name=name, version=version or f'0.1.0-trained-seed{seed}', trained=True,
               training=training_block(metrics))
    return metrics
