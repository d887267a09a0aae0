import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import t from 'tap';
import { chooseCpuPrecision, InvalidSettingsError, type ModelPrecisions } from '../../src/inference/index.js';

// The choice alone, on plain data: which IR and INFERENCE_PRECISION_HINT the CPU gets.
const dir = mkdtempSync(path.join(tmpdir(), 'leukoserve-precision-'));
const int8 = path.join(dir, 'model-int8.xml');
writeFileSync(int8, '<net/>');
const bounds = { maxScoreDelta: 0.01, minLabelAgreement: 1 };
const close = { labelAgreement: 1, maxAbsScoreDelta: 0.004 };
const model = (agreement: ModelPrecisions['agreement'], withInt8 = true): ModelPrecisions => ({
  irs: { fp32: '/m/model-fp32.xml', fp16: '/m/model-fp16.xml', int8: withInt8 ? int8 : undefined },
  agreement,
});

t.test('explicit precisions are served as asked: f32 and bf16 from the FP32 IR, int8 from the INT8 IR with an f32 hint', async (t) => {
  t.match(chooseCpuPrecision('f32', [], model({}), bounds), { precision: 'f32', ir: 'fp32', hint: 'f32', irPath: '/m/model-fp32.xml' });
  t.match(chooseCpuPrecision('bf16', ['FP32'], model({}), bounds), { precision: 'bf16', ir: 'fp32', hint: 'bf16' });
  t.match(chooseCpuPrecision('int8', [], model({}), bounds), { precision: 'int8', ir: 'int8', hint: 'f32', irPath: int8 });
});

t.test('int8 without an INT8 IR is refused, naming the file or the missing manifest entry', async (t) => {
  t.throws(() => chooseCpuPrecision('int8', ['INT8'], model({}, false), bounds), { code: 'INVALID_SETTINGS', message: /model-int8\.xml.*ir\.int8.*leukotool quantize/ });
  const gone = { ...model({}), irs: { fp32: 'a', fp16: 'b', int8: path.join(dir, 'gone.xml') } };
  t.throws(() => chooseCpuPrecision('int8', ['INT8'], gone, bounds), new InvalidSettingsError([`CPU_PRECISION=int8 needs the INT8 IR ${path.join(dir, 'gone.xml')}, which does not exist`]));
});

t.test('auto: the fastest precision the CPU has units for and whose agreement meets the bounds', async (t) => {
  const both = model({ int8: close, bf16: close });
  t.match(chooseCpuPrecision('auto', ['FP32', 'INT8', 'BF16'], both, bounds), { precision: 'int8', ir: 'int8', hint: 'f32' });
  t.match(chooseCpuPrecision('auto', ['FP32', 'BF16'], both, bounds), { precision: 'bf16', reason: /not int8: the CPU lacks INT8/ });
  const int8Off = model({ int8: { labelAgreement: 1, maxAbsScoreDelta: 0.02 }, bf16: close });
  t.match(chooseCpuPrecision('auto', ['INT8', 'BF16'], int8Off, bounds), { precision: 'bf16', reason: /not int8: max \|delta score\| 0\.02 > 0\.01/ });
  t.match(chooseCpuPrecision('auto', ['INT8', 'BF16'], int8Off, { ...bounds, maxScoreDelta: 0.05 }), { precision: 'int8' });
});

t.test('auto falls back to f32: bounds not met, nothing measured, no units, no INT8 IR', async (t) => {
  const flipped = { labelAgreement: 0.95, maxAbsScoreDelta: 0.001 };
  const cases: [string, ModelPrecisions, string[], RegExp][] = [
    ['a label flipped', model({ int8: flipped, bf16: flipped }), ['INT8', 'BF16'], /not int8: label agreement 0\.95 < 1; not bf16: label agreement 0\.95 < 1/],
    ['nothing measured', model({}), ['INT8', 'BF16'], /not int8: no agreement with f32 was measured/],
    ['no units', model({ int8: close, bf16: close }), ['FP32'], /not int8: the CPU lacks INT8.*not bf16: the CPU lacks BF16/],
    ['no INT8 IR', model({ int8: close }, false), ['INT8'], /not int8: the model has no INT8 IR/],
  ];
  for (const [name, precisions, capabilities, reason] of cases) {
    t.match(chooseCpuPrecision('auto', capabilities, precisions, bounds), { precision: 'f32', ir: 'fp32', hint: 'f32', reason }, name);
  }
});
