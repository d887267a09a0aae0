"""CPU per image of the Python peers' preprocessing (bench/decode.ts runs it beside leukoserve's).

Usage: python decode_cost.py --model-dir models/default --rounds 200 FILE...
Prints one JSON object: per file, CPU ms per image (time.process_time, all threads) of Pillow's decode
alone and of the peers' whole preprocessing (decode, crop, resize, scale to float).
"""
from __future__ import annotations

import argparse
import io
import json
import time
from pathlib import Path

from PIL import Image

from baseline_model import BaselineModel


def cpu_ms(work, rounds: int) -> float:
    for _ in range(max(5, rounds // 10)):
        work()
    started = time.process_time()
    for _ in range(rounds):
        work()
    return (time.process_time() - started) * 1000 / rounds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--model-dir', type=Path, default=Path('models/default'))
    parser.add_argument('--rounds', type=int, default=200)
    parser.add_argument('files', nargs='+', type=Path)
    args = parser.parse_args()
    model = BaselineModel(args.model_dir, 'CPU', 'f32')
    result = {}
    for file in args.files:
        data = file.read_bytes()
        result[file.name] = {
            'decode': cpu_ms(lambda: Image.open(io.BytesIO(data)).convert('RGB').load(), args.rounds),
            'preprocess': cpu_ms(lambda: model.preprocess(data), args.rounds),
        }
    print(json.dumps(result))


if __name__ == '__main__':
    main()
