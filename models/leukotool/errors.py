"""Typed toolchain errors: each has a stable `code` so scripts can tell failures apart."""
from __future__ import annotations


class LeukotoolError(Exception):
    code = 'LEUKOTOOL_ERROR'


class DatasetError(LeukotoolError):
    code = 'DATASET_INVALID'


class ModelDirError(LeukotoolError):
    code = 'MODEL_DIR_INVALID'


class ConversionError(LeukotoolError):
    code = 'CONVERSION_FAILED'


class IrCompatibilityError(LeukotoolError):
    code = 'IR_INCOMPATIBLE'
