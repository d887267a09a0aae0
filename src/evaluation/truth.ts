import path from 'node:path';

/** The positive class of the evaluation and the names the data sets give each class. */
export const POSITIVE_LABEL = 'ALL';
export const NEGATIVE_LABEL = 'normal';

/** File names that carry their label: ALL-IDB (`Im006_1` ALL, `Im100_0` normal) and C-NMC (`*_all`, `*_hem` = normal). */
const NAME_RULES: readonly { pattern: RegExp; label: string }[] = [
  { pattern: /^Im\d+_1$/i, label: POSITIVE_LABEL },
  { pattern: /^Im\d+_0$/i, label: NEGATIVE_LABEL },
  { pattern: /_all$/i, label: POSITIVE_LABEL },
  { pattern: /_hem$/i, label: NEGATIVE_LABEL },
];

/** File extensions evaluated; other files are listed as skipped. */
export const IMAGE_EXTENSIONS: ReadonlySet<string> = new Set(['.jpg', '.jpeg', '.png', '.tif', '.tiff', '.webp', '.bmp']);

/**
 * The true label of an image from its path under the evaluated folder: a folder named after one of
 * the manifest's labels (case-insensitive, the nearest wins), else the data set's naming; null when
 * neither says (unlabelled).
 */
export function truthFromPath(relativePath: string, labels: readonly string[]): string | null {
  const folders = path.dirname(relativePath).split(/[\\/]/).reverse();
  for (const folder of folders) {
    const label = labels.find((l) => l.toLowerCase() === folder.toLowerCase());
    if (label !== undefined) return label;
  }
  const stem = path.basename(relativePath, path.extname(relativePath));
  const rule = NAME_RULES.find((r) => r.pattern.test(stem));
  return rule === undefined || !labels.includes(rule.label) ? null : rule.label;
}
