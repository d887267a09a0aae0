import { TurboJpegDecompressor } from '../../../src/imaging/turbojpeg/decompressor.js';

/** The system's libjpeg-turbo, as the service loads it; CI installs it (.ci/run), so only a dev machine may lack it. */
export const turboJpeg = TurboJpegDecompressor.load();

/** tap's `skip` for the tests that need it: a reason on a machine without it, never in CI. */
export const withoutTurboJpeg = !turboJpeg && !process.env.CI && 'libturbojpeg.so.0 not found (Debian: apt-get install libturbojpeg0)';
