import { readFile } from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import { PUBLIC_ERROR_CODES } from '../../src/http/errors.js';
import { ROOT } from '../support/fixtures.js';

t.test("the README's error table lists exactly the codes a client can receive", async (t) => {
  const readme = await readFile(path.join(ROOT, 'README.md'), 'utf8');
  const table = readme.slice(readme.indexOf('### Errors'), readme.indexOf('## Command line'));
  const documented = [...table.matchAll(/^\| \d{3} \| ([^|]+)\|/gm)].flatMap(([, cell]) => [...cell!.matchAll(/`([A-Z_]+)`/g)].map(([, code]) => code));
  t.same([...documented].sort(), [...PUBLIC_ERROR_CODES].sort());
});
