from __future__ import annotations

import numpy as np
import pytest
from leukotool.metrics import binary_metrics, roc_auc


def test_metrics_count_all_as_the_positive_class():
    labels = np.array([1, 1, 0, 0])
    scores = np.array([0.9, 0.4, 0.6, 0.1])
    # Positive/negative pairs ranked right: (0.9,0.6) (0.9,0.1) (0.4,0.1); wrong: (0.4,0.6).
    assert binary_metrics(labels, scores) == {'accuracy': 0.5, 'sensitivity': 0.5, 'specificity': 0.5,
                                              'auc': 0.75, 'samples': 4}


def test_perfect_and_inverted_rankings():
    labels = np.array([0, 1, 0, 1, 1])
    scores = np.array([0.2, 0.7, 0.1, 0.95, 0.6])
    assert binary_metrics(labels, scores)['auc'] == 1.0
    assert binary_metrics(labels, scores)['accuracy'] == 1.0
    assert roc_auc(labels.astype(bool), 1 - scores) == 0.0


def test_tied_scores_count_half():
    assert roc_auc(np.array([True, False, True, False]), np.array([0.5, 0.5, 0.5, 0.5])) == 0.5
    assert roc_auc(np.array([True, False, False]), np.array([0.5, 0.5, 0.1])) == 0.75


def test_one_class_alone_is_refused():
    with pytest.raises(ValueError, match='both classes'):
        binary_metrics(np.array([1, 1]), np.array([0.2, 0.9]))
