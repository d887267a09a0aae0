import t from 'tap';
import { truthFromPath } from '../../src/evaluation/truth.js';

const LABELS = ['normal', 'ALL'];

t.test('labels from data-set names and from folders', async (t) => {
  t.equal(truthFromPath('Im006_1.jpg', LABELS), 'ALL', 'ALL-IDB _1');
  t.equal(truthFromPath('ALL_IDB2/img/Im130_0.tif', LABELS), 'normal', 'ALL-IDB _0');
  t.equal(truthFromPath('c-nmc/UID_1_2_2_all.bmp', LABELS), 'ALL', 'C-NMC _all');
  t.equal(truthFromPath('c-nmc/UID_h3_4_1_hem.bmp', LABELS), 'normal', 'C-NMC _hem');
  t.equal(truthFromPath('normal/cell.png', LABELS), 'normal', 'a folder named after a label');
  t.equal(truthFromPath('all/x/UID_1_hem.bmp', LABELS), 'ALL', 'a label folder wins over the name');
  t.equal(truthFromPath('bccd/BloodImage_00004.jpg', LABELS), null, 'no label: unlabelled');
  t.equal(truthFromPath('Im006_12.jpg', LABELS), null, 'not an ALL-IDB label suffix');
});
