"""The toolchain's defaults, importable without TensorFlow (the CLI's parser and `check-ir` need no TF)."""

DEFAULT_NAME = 'leukoserve-inception-v3'
DEFAULT_SEED = 1234
DEFAULT_LABELS = ('normal', 'ALL')  # output-index order of every model leukotool builds
OUTPUT_KINDS = ('probabilities', 'logits')
