import t from 'tap';
import { OCCLUSION_GREY, occlusionGrid, occlusionMap } from '../../src/service/explain/occlusion.js';

const SIZE = 20;
const image = { pixels: new Uint8Array(SIZE * SIZE * 3).fill(200), width: SIZE, height: SIZE };

/** A stand-in model whose label-1 score is the share of the 4x4 square at (12..15, 4..7) left visible. */
function squareModel(calls: { inFlight: number; most: number; count: number }) {
  return async (pixels: Uint8Array) => {
    calls.count++;
    calls.inFlight++;
    calls.most = Math.max(calls.most, calls.inFlight);
    await new Promise((resolve) => setTimeout(resolve, 1));
    let visible = 0;
    for (let y = 4; y < 8; y++) for (let x = 12; x < 16; x++) if (pixels[(y * SIZE + x) * 3] !== OCCLUSION_GREY) visible++;
    calls.inFlight--;
    const score = 0.5 + visible / 32;
    return Float64Array.from([1 - score, score]);
  };
}

t.test('the grid of drops points at the region the score depends on', async (t) => {
  const calls = { inFlight: 0, most: 0, count: 0 };
  const map = await occlusionMap(image, { patch: 4, stride: 4 }, squareModel(calls), 3);
  t.same([map.rows, map.cols, map.inferences, map.labelIndex], [5, 5, 26, 1]);
  t.equal(calls.count, 26, 'one forward pass per position plus the image');
  t.equal(map.grid[1]![3], 0.5, 'the patch over the square removes its whole contribution');
  t.equal(map.grid.flat().filter((d) => d !== 0).length, 1, 'nowhere else matters');
  t.equal(calls.most, 3, 'never more than maxInFlight variants at once: other clients interleave in the FIFO');
});

t.test('the cost is known before any work', async (t) => {
  t.same(occlusionGrid(299, 299, { patch: 48, stride: 24 }), { rows: 11, cols: 11, inferences: 122 });
  t.same(occlusionGrid(299, 299, { patch: 299, stride: 1 }), { rows: 1, cols: 1, inferences: 2 });
  t.throws(() => occlusionGrid(299, 299, { patch: 300, stride: 1 }), RangeError);
  t.throws(() => occlusionGrid(299, 299, { patch: 48, stride: 0 }), RangeError);
});
