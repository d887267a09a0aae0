import { UnsupportedElementTypeError } from '../errors.js';

export type ElementType = 'boolean' | 'f16' | 'f32' | 'f64' | 'i8' | 'i32' | 'i64' | 'u8';

export const BYTES_PER_ELEMENT: Record<ElementType, number> = {
  boolean: 1,
  f16: 2,
  f32: 4,
  f64: 8,
  i8: 1,
  i32: 4,
  i64: 8,
  u8: 1,
};

/**
 * ov_element_type_e was renumbered twice: 2024.2 inserted U2/U3/U6 before U8, and 2025.1 dropped
 * UNDEFINED (everything shifted down by one). The codes of one release are one of these layouts.
 */
export interface ElementTypeLayout {
  readonly name: string;
  readonly codes: Readonly<Record<ElementType, number>>;
}

export const LAYOUTS: readonly ElementTypeLayout[] = [
  {
    name: '2022.3-2024.1',
    codes: { boolean: 2, f16: 4, f32: 5, f64: 6, i8: 8, i32: 10, i64: 11, u8: 14 },
  },
  {
    name: '2024.2-2025.0',
    codes: { boolean: 2, f16: 4, f32: 5, f64: 6, i8: 8, i32: 10, i64: 11, u8: 17 },
  },
  {
    name: '2025.1+',
    codes: { boolean: 1, f16: 3, f32: 4, f64: 5, i8: 7, i32: 9, i64: 10, u8: 16 },
  },
];

/**
 * Byte sizes a 1000-element tensor has for a given code in each layout. Sub-byte types make them
 * unambiguous (code 14 is U8 = 1000 B, U3 = 375 B or U4 = 500 B), so probing needs no version parsing.
 */
const PROBE_ELEMENTS = 1000;

/** Picks the layout whose u8/f32/f16/i64 codes all give the expected byte sizes for 1000 elements. */
export function detectLayout(byteSizeOf: (code: number, elements: number) => number | undefined): ElementTypeLayout {
  const probed: string[] = [];
  for (const layout of LAYOUTS) {
    const ok = (['u8', 'f16', 'f32', 'i64'] as const).every((type) => {
      const size = byteSizeOf(layout.codes[type], PROBE_ELEMENTS);
      probed.push(`${layout.name} ${type}=${layout.codes[type]}: ${size ?? 'error'} B`);
      return size === BYTES_PER_ELEMENT[type] * PROBE_ELEMENTS;
    });
    if (ok) return layout;
  }
  throw new UnsupportedElementTypeError(`unknown ov_element_type_e numbering (${probed.join(', ')})`);
}

/** Converts between this project's names and the loaded runtime's enum codes. */
export class ElementTypeCodes {
  private readonly byCode = new Map<number, ElementType>();
  constructor(readonly layout: ElementTypeLayout) {
    for (const [type, code] of Object.entries(layout.codes)) this.byCode.set(code, type as ElementType);
  }

  code(type: ElementType): number {
    return this.layout.codes[type];
  }

  type(code: number): ElementType {
    const type = this.byCode.get(code);
    if (!type) {
      throw new UnsupportedElementTypeError(`element type code ${code} (${this.layout.name} numbering) is not supported`);
    }
    return type;
  }
}
