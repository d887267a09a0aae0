import type { InferencePool, InferResult } from '../../src/inference/index.js';

/**
 * An InferencePool standing in for an NCS2 compiled with the default model: no stick can be
 * plugged in here. Everything around it (decoding, runtime, HTTP) stays real in the tests using it.
 */
export function mockedStick(behaviour: {
  run(): Promise<InferResult>;
  accepting?: () => boolean;
  deviceLost?: Promise<string>;
  close?: () => Promise<void>;
  stats?: () => ReturnType<InferencePool['stats']>;
}): InferencePool {
  return {
    device: 'MYRIAD',
    compiledAt: new Date(),
    numRequests: 4,
    input: { name: 'input', shape: [1, 299, 299, 3], elementType: 'u8' },
    output: { name: 'predictions', shape: [1, 2], elementType: 'f32' },
    fallbacks: [],
    get accepting() {
      return behaviour.accepting?.() ?? true;
    },
    deviceLost: behaviour.deviceLost ?? new Promise<string>(() => {}),
    run: behaviour.run,
    stats: behaviour.stats,
    close: behaviour.close ?? (async () => {}),
  } as unknown as InferencePool;
}
