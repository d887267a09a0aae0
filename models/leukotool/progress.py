"""Progress lines: one prefix so set-up logs show which tool is talking."""
import sys


def say(message: str) -> None:
    print(f'[leukotool] {message}', file=sys.stderr, flush=True)
