import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { Calibration } from './calibration.js';
import type { RocPoint } from './roc.js';

const SIZE = { width: 300, height: 300 };
const unitAxis = (title: string) => ({ type: 'quantitative' as const, title, scale: { domain: [0, 1] } });
const DIAGONAL = { data: { values: [{ x: 0, y: 0 }, { x: 1, y: 1 }] }, mark: { type: 'line' as const, strokeDash: [4, 4], color: '#999' }, encoding: { x: { field: 'x', ...unitAxis('') }, y: { field: 'y', ...unitAxis('') } } };

/** A Vega-Lite spec rendered to SVG in Node by Vega itself (no browser, no canvas). */
async function toSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** The ROC curve as a step line with the chance diagonal. */
export function rocChart(points: readonly RocPoint[], auc: number | null): Promise<string> {
  return toSvg({
    ...SIZE,
    title: auc === null ? 'ROC curve' : `ROC curve (AUC ${auc.toFixed(3)})`,
    layer: [
      DIAGONAL,
      {
        data: { values: points.map((p) => ({ fpr: p.fpr, tpr: p.tpr })) },
        mark: { type: 'line', point: true, interpolate: 'linear' },
        encoding: { x: { field: 'fpr', ...unitAxis('1 - specificity (false positive rate)') }, y: { field: 'tpr', ...unitAxis('sensitivity (true positive rate)') }, order: { field: 'fpr' } },
      },
    ],
  });
}

/** The reliability diagram: accuracy per confidence bin against perfect calibration. */
export function reliabilityChart({ bins, ece }: Calibration): Promise<string> {
  return toSvg({
    ...SIZE,
    title: ece === null ? 'Reliability' : `Reliability (ECE ${ece.toFixed(3)})`,
    layer: [
      {
        data: { values: bins.filter((b) => b.count > 0).map((b) => ({ low: b.low, high: b.high, zero: 0, accuracy: b.accuracy })) },
        mark: { type: 'rect', color: '#4c78a8', opacity: 0.8 },
        encoding: {
          x: { field: 'low', ...unitAxis("predicted label's score (confidence)") },
          x2: { field: 'high' },
          y: { field: 'zero', ...unitAxis('fraction correct') },
          y2: { field: 'accuracy' },
        },
      },
      DIAGONAL,
    ],
  });
}
