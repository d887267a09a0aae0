"""leukotool command line: PYTHONPATH=models python -m leukotool <command> --help"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .errors import LeukotoolError


def _default(args: argparse.Namespace) -> None:
    from .pipeline import make_default
    make_default(args.out, args.seed)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog='leukotool', description=__doc__)
    commands = parser.add_subparsers(dest='command', required=True)

    default = commands.add_parser('default', help='build (seeded, untrained) -> freeze -> convert: models/default')
    default.add_argument('--out', type=Path, required=True)
    default.add_argument('--seed', type=int, default=1234)
    default.set_defaults(run=_default)

    args = parser.parse_args(argv)
    try:
        args.run(args)
    except LeukotoolError as error:
        print(f'leukotool: error [{error.code}]: {error}', file=sys.stderr)
        return 2
    return 0


if __name__ == '__main__':
    sys.exit(main())
