import t from 'tap';
import { sniffFormat } from '../../src/imaging/index.js';
import { describeUnsupported } from '../../src/imaging/sniff.js';

const bytes = (...parts: (string | number[])[]): Uint8Array =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? Array.from(p, (c) => c.charCodeAt(0)) : p)));

t.test('recognises each supported format from its magic bytes alone', async (t) => {
  const cases: [Uint8Array, string][] = [
    [bytes([0xff, 0xd8, 0xff, 0xe0]), 'jpeg'],
    [bytes([0x89], 'PNG\r\n\x1a\n'), 'png'],
    [bytes('II', [0x2a, 0x00]), 'tiff'],
    [bytes('MM', [0x00, 0x2a]), 'tiff'],
    [bytes('II', [0x2b, 0x00]), 'tiff'],
    [bytes('RIFF', [1, 2, 3, 4], 'WEBPVP8 '), 'webp'],
    [bytes('BM', [0, 0, 0, 0]), 'bmp'],
  ];
  for (const [input, format] of cases) t.equal(sniffFormat(input), format, format);
});

t.test('returns null for everything else, short input included', async (t) => {
  for (const input of [
    bytes('GIF89a'),
    bytes('RIFF', [0, 0, 0, 0], 'WAVE'),
    bytes([0xff, 0xd8]),
    bytes('B'),
    bytes([0x89], 'PNG'),
    new Uint8Array(0),
  ]) {
    t.equal(sniffFormat(input), null, JSON.stringify(Array.from(input)));
  }
});

t.test('names what an unsupported upload looks like', async (t) => {
  const dicom = new Uint8Array(132);
  dicom.set(bytes('DICM'), 128);
  const cases: [Uint8Array, string][] = [
    [bytes('GIF89a'), 'GIF'],
    [bytes('%PDF-1.7'), 'PDF'],
    [bytes([0, 0, 0, 0x1c], 'ftypavif'), 'AVIF'],
    [bytes([0, 0, 0, 0x18], 'ftypheic'), 'HEIF'],
    [bytes('<svg xmlns="http://www.w3.org/2000/svg"/>'), 'SVG/XML/HTML text'],
    [bytes([0xef, 0xbb, 0xbf], '<html>'), 'SVG/XML/HTML text'],
    [dicom, 'DICOM'],
    [bytes('hello world'), 'unknown, first bytes 68 65 6c 6c'],
    [bytes([1, 2]), 'unknown, first bytes 01 02'],
    [new Uint8Array(0), 'empty input'],
  ];
  for (const [input, name] of cases) t.equal(describeUnsupported(input), name, name);
});
