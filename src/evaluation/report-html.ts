import { reliabilityChart, rocChart } from './charts.js';
import type { Estimate } from './proportion.js';
import type { EvaluationReport } from './report.js';

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const fixed = (x: number | null, digits = 3) => (x === null ? '—' : x.toFixed(digits));
const interval = (e: Estimate) => (e.low === null || e.high === null ? 'not estimable' : `${fixed(e.low)} – ${fixed(e.high)}`);

const STYLE = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5rem; color: #222; max-width: 72rem; }
.banner { background: #b00020; color: #fff; padding: .75rem 1rem; font-weight: 600; border-radius: 4px; }
.trained { background: #e8f5e9; padding: .5rem 1rem; border-radius: 4px; }
table { border-collapse: collapse; margin: .5rem 0 1rem; }
th, td { border: 1px solid #ccc; padding: .25rem .6rem; text-align: right; }
th:first-child, td:first-child, #metrics td:last-child { text-align: left; }
#metrics td:nth-child(3) { white-space: nowrap; }
.charts { display: flex; gap: 2rem; flex-wrap: wrap; }
.thumbs { display: flex; gap: 1rem; flex-wrap: wrap; }
figure { margin: 0; font-size: 12px; max-width: 160px; word-break: break-all; }
code { font-size: 12px; }
`;

/** A thumbnail of the crop the model saw, by file. */
export type Thumbnails = ReadonlyMap<string, string>;

/** report.html: the same figures as report.json, with the ROC curve and the reliability diagram as Vega SVG, and the misclassified images. */
export async function reportHtml(report: EvaluationReport, thumbnails: Thumbnails): Promise<string> {
  const { metrics: m, model } = report;
  const { tp, fn, fp, tn } = m.confusion;
  const rows: [string, Estimate, string][] = [
    ['Accuracy', m.accuracy, report.intervals.proportions],
    ['Sensitivity (recall of ALL)', m.sensitivity, report.intervals.proportions],
    ['Specificity', m.specificity, report.intervals.proportions],
    ['PPV (precision)', m.ppv, report.intervals.proportions],
    ['NPV', m.npv, report.intervals.proportions],
    ['Prevalence of ALL', m.prevalence, report.intervals.proportions],
    ['F1', m.f1, report.intervals.f1],
    ['ROC AUC', m.rocAuc, report.intervals.rocAuc],
  ];
  const [roc, reliability] = await Promise.all([rocChart(m.roc, m.rocAuc.value), reliabilityChart(m.calibration)]);
  const list = (items: readonly string[]) => (items.length === 0 ? '<p>none</p>' : `<ul>${items.map((i) => `<li><code>${escape(i)}</code></li>`).join('')}</ul>`);
  const misclassified = report.images.filter((i) => i.truth !== null && i.label !== i.truth);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>leukoserve evaluation: ${escape(report.folder)}</title><style>${STYLE}</style></head>
<body>
${model.trained ? `<p class="trained">Trained model.</p>` : `<p class="banner" id="untrained">UNTRAINED MODEL: these figures measure seeded random weights, not a classifier. Not a diagnosis.</p>`}
<h1>Evaluation of ${escape(model.name)} ${escape(model.version)}</h1>
<p>Model: trained <b>${model.trained}</b>, created ${escape(model.created)}, from <code>${escape(model.source.pb)}</code> sha256 <code>${escape(model.source.sha256)}</code>; training: <code>${escape(JSON.stringify(model.training))}</code>.<br>
Device ${escape(report.device)}, test-time augmentation ${escape(report.tta)}; folder <code>${escape(report.folder)}</code>; ${escape(report.created)}.</p>
${report.warnings.map((w) => `<p>Warning: ${escape(w)}</p>`).join('\n')}
<p>${report.images.length} images classified: ${m.n} labelled, ${report.unlabelled.length} unlabelled; ${report.failed.length} failed; ${report.skipped.length} files skipped (not images). Positive class: ${escape(report.positiveLabel)}.</p>
<h2>Confusion matrix</h2>
<table id="confusion"><tr><th>truth \\ predicted</th><th>${escape(report.positiveLabel)}</th><th>${escape(report.negativeLabel)}</th></tr>
<tr><td>${escape(report.positiveLabel)}</td><td>TP ${tp}</td><td>FN ${fn}</td></tr>
<tr><td>${escape(report.negativeLabel)}</td><td>FP ${fp}</td><td>TN ${tn}</td></tr></table>
<h2>Metrics (95 % confidence intervals)</h2>
<table id="metrics"><tr><th>metric</th><th>value</th><th>95 % CI</th><th>method</th></tr>
${rows.map(([name, e, method]) => `<tr><td>${name}</td><td>${fixed(e.value)}</td><td>${interval(e)}</td><td>${escape(method)}</td></tr>`).join('\n')}
<tr><td>Expected calibration error</td><td>${fixed(m.calibration.ece)}</td><td>—</td><td>${escape(report.intervals.ece)}</td></tr></table>
<div class="charts"><div id="roc">${roc}</div><div id="reliability">${reliability}</div></div>
<h2>Misclassified (${misclassified.length})</h2>
<div class="thumbs">${misclassified
    .map((i) => {
      const src = thumbnails.get(i.file);
      const score = i.scores[i.label] ?? 0;
      return `<figure>${src === undefined ? '' : `<img src="${src}" alt="${escape(i.file)}" width="160">`}<figcaption><code>${escape(i.file)}</code><br>truth ${escape(i.truth!)}, predicted ${escape(i.label)} ${score.toFixed(3)}</figcaption></figure>`;
    })
    .join('\n')}</div>
<h2>Unlabelled (${report.unlabelled.length})</h2>
<table><tr><th>file</th><th>predicted</th>${Object.keys(report.images[0]?.scores ?? {}).map((l) => `<th>${escape(l)}</th>`).join('')}</tr>
${report.images
  .filter((i) => i.truth === null)
  .map((i) => `<tr><td><code>${escape(i.file)}</code></td><td>${escape(i.label)}</td>${Object.values(i.scores).map((s) => `<td>${s.toFixed(3)}</td>`).join('')}</tr>`)
  .join('\n')}</table>
<h2>Failed (${report.failed.length})</h2>
${report.failed.length === 0 ? '<p>none</p>' : `<ul>${report.failed.map((f) => `<li><code>${escape(f.file)}</code>: ${escape(f.code)}: ${escape(f.message)}</li>`).join('')}</ul>`}
<h2>Skipped, not images (${report.skipped.length})</h2>
${list(report.skipped)}
</body></html>
`;
}
