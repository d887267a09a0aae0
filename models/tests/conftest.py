from __future__ import annotations

import numpy as np
import pytest
from leukotool.pipeline import make_default
from leukotool.preprocessing import preprocess_file
from runners import IMAGES


@pytest.fixture(scope='session')
def default_model(tmp_path_factory):
    """`leukotool default`, built afresh: the suite never depends on models/default's state."""
    out = tmp_path_factory.mktemp('models') / 'default'
    make_default(out)
    return out


@pytest.fixture(scope='session')
def fixture_batch() -> np.ndarray:
    """Two real, unlike images through the reference preprocessing: a C-NMC cell and a BCCD smear field."""
    paths = [IMAGES / 'c-nmc' / 'UID_1_2_2_all.bmp', IMAGES / 'bccd' / 'BloodImage_00004.jpg']
    return np.stack([preprocess_file(str(p)) for p in paths])
