"""leukotool: build, train, freeze and convert leukoserve's Inception V3 (run with PYTHONPATH=models)."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .defaults import DEFAULT_LABELS, DEFAULT_NAME, DEFAULT_SEED, OUTPUT_KINDS
from .errors import LeukotoolError

# Each command imports its module when it runs: `check-ir` should not pay for importing TensorFlow.


def _build(args: argparse.Namespace) -> None:
    from .inception import build_model, save_model_dir
    from .progress import say
    model = build_model(args.classes, args.seed, str(args.weights) if args.weights else None)
    info = save_model_dir(model, args.out, seed=args.seed, origin=args.weights.name if args.weights else 'seeded')
    say(f'wrote {args.out} ({info.classes} classes, weights {info.origin}, sha256 {info.weights_sha256})')


def _train(args: argparse.Namespace) -> None:
    from .train import train
    train(args.data, args.out, epochs=args.epochs, steps=args.steps, val_split=args.val_split, batch=args.batch,
          seed=args.seed, learning_rate=args.learning_rate, from_dir=args.from_dir, name=args.name,
          version=args.version)


def _freeze(args: argparse.Namespace) -> None:
    from .freeze import freeze
    from .inception import load_model_dir
    from .progress import say
    freeze(load_model_dir(args.from_dir), args.out)
    say(f'wrote {args.out}')


def _convert(args: argparse.Namespace) -> None:
    from .convert import convert
    from .manifest import training_block
    training = training_block(json.loads(args.metrics.read_text())) if args.metrics else None
    convert(args.pb, args.out, labels=args.labels.split(','), name=args.name or args.pb.stem, version=args.version,
            input_name=args.input, output_name=args.output, output_kind=args.output_kind,
            trained=args.trained or training is not None, training=training)


def _default(args: argparse.Namespace) -> None:
    from .pipeline import make_default
    make_default(args.out, args.seed)


def _quantize(args: argparse.Namespace) -> None:
    from .image_sets import ImageSet
    from .quantize import measure_agreement, quantize
    quantize(args.model, ImageSet.load(args.calibration, per_image=args.augment, seed=args.seed), subset=args.subset)
    measure_agreement(args.model, ImageSet.load(args.agreement or args.calibration))


def _agreement(args: argparse.Namespace) -> None:
    from .image_sets import ImageSet
    from .quantize import measure_agreement
    measure_agreement(args.model, ImageSet.load(args.images, per_image=args.augment, seed=args.seed))


def _preprocess(args: argparse.Namespace) -> None:
    import numpy as np
    from .dataset import read_rgb
    from .preprocessing import preprocess_for_eval
    batch = np.stack([preprocess_for_eval(read_rgb(image)).numpy() for image in args.images])
    np.save(args.out, batch)


def _check_ir(args: argparse.Namespace) -> int:
    from .check_ir import check_ir, format_report
    report = check_ir(args.xml)
    print(json.dumps(report.as_dict(), indent=2) if args.json else format_report(report))
    return 0 if report.ok else 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog='leukotool', description=__doc__)
    commands = parser.add_subparsers(dest='command', required=True)

    build = commands.add_parser('build', help='Inception V3 + a final Dense layer, seeded or from ImageNet weights')
    build.add_argument('--out', type=Path, required=True, help='directory for model.keras and build.json')
    build.add_argument('--classes', type=int, default=len(DEFAULT_LABELS))
    build.add_argument('--weights', type=Path, help='Keras ImageNet weights file for the base '
                       '(inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5); default: seeded weights')
    build.add_argument('--seed', type=int, default=DEFAULT_SEED)
    build.set_defaults(run=_build)

    train = commands.add_parser('train', help='retrain the final layer on labelled images -> model directory')
    train.add_argument('--data', type=Path, required=True,
                       help='images: ImNNN_1/ImNNN_0 (ALL-IDB), *_all/*_hem (C-NMC) or all/ and hem/ folders')
    train.add_argument('--out', type=Path, required=True)
    train.add_argument('--from', dest='from_dir', type=Path, help='a `build` directory (default: build seeded)')
    train.add_argument('--epochs', type=int, default=5)
    train.add_argument('--steps', type=int, help='steps per epoch (default: one pass over the training images)')
    train.add_argument('--val-split', type=float, default=0.2)
    train.add_argument('--batch', type=int, default=16)
    train.add_argument('--learning-rate', type=float, default=1e-3)
    train.add_argument('--seed', type=int, default=DEFAULT_SEED)
    train.add_argument('--name', default=DEFAULT_NAME)
    train.add_argument('--version', help='default: 0.1.0-trained-seed<SEED>')
    train.set_defaults(run=_train)

    freeze = commands.add_parser('freeze', help='model.keras -> frozen .pb (outputs `predictions` and `logits`)')
    freeze.add_argument('--from', dest='from_dir', type=Path, required=True, help='a `build` or `train` directory')
    freeze.add_argument('--out', type=Path, required=True, help='the .pb file to write')
    freeze.set_defaults(run=_freeze)

    convert = commands.add_parser('convert', help='frozen .pb -> FP32 and FP16 IR + manifest.json')
    convert.add_argument('--pb', type=Path, required=True)
    convert.add_argument('--out', type=Path, required=True)
    convert.add_argument('--labels', default=','.join(DEFAULT_LABELS), help='class names in output-index order')
    convert.add_argument('--name', help='default: the .pb file name')
    convert.add_argument('--version', default='0.1.0')
    convert.add_argument('--input', default='input', help='input node name')
    convert.add_argument('--output', default='predictions',
                         help='output node name (TF-Slim: InceptionV3/Predictions/Reshape_1)')
    convert.add_argument('--output-kind', choices=OUTPUT_KINDS, default='probabilities')
    convert.add_argument('--trained', action='store_true', help='the weights were trained (implied by --metrics)')
    convert.add_argument('--metrics', type=Path, help='metrics.json written by `train`')
    convert.set_defaults(run=_convert)

    default = commands.add_parser('default', help='build (seeded, untrained) -> freeze -> convert: models/default')
    default.add_argument('--out', type=Path, required=True)
    default.add_argument('--seed', type=int, default=DEFAULT_SEED)
    default.set_defaults(run=_default)

    quantize = commands.add_parser('quantize', help='FP32 IR -> INT8 IR (NNCF post-training), then `agreement`')
    quantize.add_argument('--model', type=Path, required=True, help='a model directory (manifest.json + FP32 IR)')
    quantize.add_argument('--calibration', type=Path, required=True,
                          help='folder of images (searched recursively), preprocessed as the service does')
    quantize.add_argument('--subset', type=int, default=300, help='most calibration inputs used')
    quantize.add_argument('--augment', type=int, default=0, help='seeded augmented copies per calibration image')
    quantize.add_argument('--seed', type=int, default=DEFAULT_SEED)
    quantize.add_argument('--agreement', type=Path, help='folder to measure agreement on (default: --calibration; '
                          'better: images the calibration did not see)')
    quantize.set_defaults(run=_quantize)

    agreement = commands.add_parser('agreement', help='bf16 and INT8 scores vs f32 on a folder -> manifest.json')
    agreement.add_argument('--model', type=Path, required=True)
    agreement.add_argument('--images', type=Path, required=True, help='folder of images (searched recursively)')
    agreement.add_argument('--augment', type=int, default=0, help='seeded augmented copies per image')
    agreement.add_argument('--seed', type=int, default=DEFAULT_SEED)
    agreement.set_defaults(run=_agreement)

    preprocess = commands.add_parser('preprocess', help='images -> .npy [N,299,299,3] float32, the reference input')
    preprocess.add_argument('images', type=Path, nargs='+')
    preprocess.add_argument('--out', type=Path, required=True)
    preprocess.set_defaults(run=_preprocess)

    check = commands.add_parser('check-ir', help='fail unless OpenVINO 2022.3 (NCS2 runtime) can read the IR')
    check.add_argument('xml', type=Path)
    check.add_argument('--json', action='store_true', help='print the report as JSON')
    check.set_defaults(run=_check_ir)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return args.run(args) or 0
    except LeukotoolError as error:
        print(f'leukotool: error [{error.code}]: {error}', file=sys.stderr)
        return 2


if __name__ == '__main__':
    sys.exit(main())
