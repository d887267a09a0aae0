import t from 'tap';
import { UnsupportedElementTypeError } from '../../../src/inference/index.js';
import { BYTES_PER_ELEMENT, ElementTypeCodes, LAYOUTS, detectLayout } from '../../../src/inference/openvino/element-types.js';
import { OpenVinoLibrary } from '../../../src/inference/openvino/library.js';

/** Byte sizes per enum code as each OpenVINO release computes them (from its ov_common.h). */
const RELEASE_ENUMS: Record<string, string[]> = {
  '2022.3': ['undefined', 'dynamic', 'boolean', 'bf16', 'f16', 'f32', 'f64', 'i4', 'i8', 'i16', 'i32', 'i64', 'u1', 'u4', 'u8', 'u16', 'u32', 'u64'],
  '2024.2': ['undefined', 'dynamic', 'boolean', 'bf16', 'f16', 'f32', 'f64', 'i4', 'i8', 'i16', 'i32', 'i64', 'u1', 'u2', 'u3', 'u4', 'u6', 'u8', 'u16'],
  '2025.1': ['dynamic', 'boolean', 'bf16', 'f16', 'f32', 'f64', 'i4', 'i8', 'i16', 'i32', 'i64', 'u1', 'u2', 'u3', 'u4', 'u6', 'u8', 'u16'],
};
const BITS: Record<string, number> = { boolean: 8, bf16: 16, f16: 16, f32: 32, f64: 64, i4: 4, i8: 8, i16: 16, i32: 32, i64: 64, u1: 1, u2: 2, u3: 3, u4: 4, u6: 6, u8: 8, u16: 16, u32: 32, u64: 64 };

function fakeRuntime(release: string) {
  return (code: number, elements: number) => {
    const bits = BITS[RELEASE_ENUMS[release]?.[code] ?? ''];
    return bits === undefined ? undefined : Math.ceil((bits * elements) / 8);
  };
}

t.test('probing picks the numbering of each release', async (t) => {
  t.equal(detectLayout(fakeRuntime('2022.3')).name, '2022.3-2024.1');
  t.equal(detectLayout(fakeRuntime('2024.2')).name, '2024.2-2025.0');
  t.equal(detectLayout(fakeRuntime('2025.1')).name, '2025.1+');
});

t.test('every layout maps each type to a code whose element has the right size in its release', async (t) => {
  const releaseOf: Record<string, string> = { '2022.3-2024.1': '2022.3', '2024.2-2025.0': '2024.2', '2025.1+': '2025.1' };
  for (const layout of LAYOUTS) {
    const names = RELEASE_ENUMS[releaseOf[layout.name] ?? ''] ?? [];
    for (const [type, code] of Object.entries(layout.codes)) t.equal(names[code], type, `${layout.name}: ${type} = ${code}`);
  }
});

t.test('an unknown numbering is an error, not a guess', async (t) => {
  t.throws(() => detectLayout(() => 7), UnsupportedElementTypeError);
});

t.test('codes convert both ways; an unmapped code throws', async (t) => {
  const codes = new ElementTypeCodes(LAYOUTS[2]!);
  t.equal(codes.code('u8'), 16);
  t.equal(codes.type(4), 'f32');
  t.throws(() => codes.type(11), { code: 'UNSUPPORTED_ELEMENT_TYPE' });
});

t.test('the installed runtime (2026.x) probes as the 2025.1+ numbering', async (t) => {
  const library = new OpenVinoLibrary({});
  t.equal(library.elementTypes.layout.name, '2025.1+');
  t.equal(BYTES_PER_ELEMENT.f16, 2);
});
