import type { Manifest } from '../model/manifest.js';

/**
 * The one wording of the untrained-model warning: it goes into every HTTP response, the CLI output
 * and the start-up log, so that seeded weights are never mistaken for a diagnosis.
 */
export function modelWarnings(manifest: Manifest): string[] {
  if (manifest.trained) return [];
  return [
    `model "${manifest.name}" ${manifest.version} is UNTRAINED (seeded weights): its output is not a diagnosis ` +
      'and must not be used for any clinical decision',
  ];
}
