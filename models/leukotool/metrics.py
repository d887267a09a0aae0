"""Binary classification metrics with ALL as the positive class."""
from __future__ import annotations

import numpy as np


def binary_metrics(labels: np.ndarray, positive_scores: np.ndarray, threshold: float = 0.5) -> dict:
    """labels: 1 = positive (ALL), 0 = negative; positive_scores: P(ALL). Needs both classes present."""
    labels = np.asarray(labels).astype(bool)
    scores = np.asarray(positive_scores, dtype=np.float64)
    positives, negatives = int(labels.sum()), int((~labels).sum())
    if positives == 0 or negatives == 0:
        raise ValueError('sensitivity, specificity and AUC need both classes among the samples')
    predicted = scores >= threshold
    true_positives = int((predicted & labels).sum())
    true_negatives = int((~predicted & ~labels).sum())
    return {
        'accuracy': (true_positives + true_negatives) / labels.size,
        'sensitivity': true_positives / positives,
        'specificity': true_negatives / negatives,
        'auc': roc_auc(labels, scores),
        'samples': int(labels.size),
    }


def roc_auc(labels: np.ndarray, scores: np.ndarray) -> float:
    """Area under the ROC curve as the Mann-Whitney U statistic; tied scores share their average rank."""
    ordered = np.sort(scores)
    ranks = (np.searchsorted(ordered, scores, 'left') + np.searchsorted(ordered, scores, 'right') + 1) / 2
    positives, negatives = int(labels.sum()), int((~labels).sum())
    return float((ranks[labels].sum() - positives * (positives + 1) / 2) / (positives * negatives))
