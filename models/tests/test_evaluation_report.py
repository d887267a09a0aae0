"""`leukoserve evaluate`'s figures (src/evaluation, TypeScript) against scikit-learn and SciPy on seeded random data sets."""
from __future__ import annotations

import json
import shutil
import subprocess

import numpy as np
import pytest
from scipy.stats import binomtest, rankdata
from sklearn.metrics import (accuracy_score, confusion_matrix, f1_score, precision_score, recall_score,
                             roc_auc_score, roc_curve)
from runners import ROOT

Z95 = 1.959963984540054


def _cases() -> list[dict]:
    rng = np.random.default_rng(13)
    cases = []
    for n, prevalence, separation in [(14, 0.4, 1.0), (60, 0.3, 2.0), (200, 0.5, 0.5), (37, 0.2, 3.0)]:
        truth = (rng.random(n) < prevalence).astype(int)
        truth[:2] = [1, 0]  # both classes, always
        logits = rng.normal(truth * separation - separation / 2, 1.0)
        scores = np.round(1 / (1 + np.exp(-logits)), 2)  # rounded: ties within and across classes
        scores[scores == 0.5] = 0.51
        cases.append({'truth': truth.tolist(), 'scores': scores.tolist()})
    return cases


@pytest.fixture(scope='module')
def reports() -> list[tuple[dict, dict]]:
    node = shutil.which('node')
    if node is None:
        pytest.skip('node is not on PATH')
    cases = _cases()
    out = subprocess.run([node, '--import=tsx', 'test/support/evaluation/report-cli.ts'], cwd=ROOT, check=True,
                         input=json.dumps(cases), capture_output=True, text=True, timeout=120)
    return list(zip(cases, json.loads(out.stdout)))


def _delong_midrank(pos: np.ndarray, neg: np.ndarray) -> tuple[float, float]:
    """AUC and its DeLong SE by Sun & Xu's (2014) midrank algorithm: a different route from src/evaluation/roc.ts's pairwise one."""
    m, n = len(pos), len(neg)
    tz = rankdata(np.concatenate([pos, neg]))
    v10 = (tz[:m] - rankdata(pos)) / n
    v01 = 1 - (tz[m:] - rankdata(neg)) / m
    return float(v10.mean()), float(np.sqrt(v10.var(ddof=1) / m + v01.var(ddof=1) / n))


def test_proportions_and_confusion_equal_scikit_learn(reports):
    for case, got in reports:
        y, s = np.array(case['truth']), np.array(case['scores'])
        p = (s > 0.5).astype(int)
        tn, fp, fn, tp = confusion_matrix(y, p, labels=[0, 1]).ravel()
        assert got['confusion'] == {'tp': tp, 'fn': fn, 'fp': fp, 'tn': tn}
        expected = {
            'accuracy': accuracy_score(y, p),
            'sensitivity': recall_score(y, p),
            'specificity': recall_score(y, p, pos_label=0),
            'ppv': precision_score(y, p, zero_division=np.nan),
            'npv': precision_score(y, p, pos_label=0, zero_division=np.nan),
            'f1': f1_score(y, p),
        }
        for name, value in expected.items():
            assert got[name]['value'] == pytest.approx(value, abs=1e-12), name


def test_wilson_intervals_equal_scipy(reports):
    for _, got in reports:
        c = got['confusion']
        for name, k, n in [('accuracy', c['tp'] + c['tn'], sum(c.values())), ('sensitivity', c['tp'], c['tp'] + c['fn']),
                           ('specificity', c['tn'], c['tn'] + c['fp']), ('prevalence', c['tp'] + c['fn'], sum(c.values()))]:
            ci = binomtest(k, n).proportion_ci(confidence_level=0.95, method='wilson')
            assert (got[name]['low'], got[name]['high']) == pytest.approx((ci.low, ci.high), abs=1e-9), name


def test_roc_and_auc_equal_scikit_learn_and_delong(reports):
    for case, got in reports:
        y, s = np.array(case['truth']), np.array(case['scores'])
        fpr, tpr, thresholds = roc_curve(y, s, drop_intermediate=False)
        assert [(q['fpr'], q['tpr']) for q in got['roc']] == pytest.approx(list(zip(fpr, tpr)), abs=1e-12)
        assert [q['threshold'] for q in got['roc'][1:]] == pytest.approx(list(thresholds[1:]))
        assert got['rocAuc']['value'] == pytest.approx(roc_auc_score(y, s), abs=1e-12)
        auc, se = _delong_midrank(s[y == 1], s[y == 0])
        assert got['rocAuc']['low'] == pytest.approx(max(0.0, auc - Z95 * se), abs=1e-9)
        assert got['rocAuc']['high'] == pytest.approx(min(1.0, auc + Z95 * se), abs=1e-9)


def test_expected_calibration_error(reports):
    for case, got in reports:
        y, s = np.array(case['truth']), np.array(case['scores'])
        confidence = np.maximum(s, 1 - s)
        correct = (s > 0.5).astype(int) == y
        bins = np.minimum(9, np.floor(confidence * 10).astype(int))
        ece = sum((bins == b).mean() * abs(correct[bins == b].mean() - confidence[bins == b].mean())
                  for b in range(10) if (bins == b).any())
        assert got['calibration']['ece'] == pytest.approx(ece, abs=1e-12)
