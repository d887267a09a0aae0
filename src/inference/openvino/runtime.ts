import koffi from 'koffi';
import type { LibrarySearchOptions } from './sys/library-locator.js';
import { ov_available_devices_t, ov_version_t, type Out, type Pointer } from './sys/types.js';
import { OpenVinoLibrary } from './library.js';
import { NativeObject } from './native-object.js';
import { Model } from './model.js';

export interface RuntimeVersion {
  buildNumber: string;
  description: string;
}

export interface DeviceInfo {
  /** As OpenVINO names it, e.g. 'CPU' or 'MYRIAD.1.2-ma2480'. */
  name: string;
  /** FULL_DEVICE_NAME, e.g. 'Intel(R) Xeon(R) ...' or 'Intel Movidius Myriad X VPU'. */
  fullName: string;
}

export type RuntimeOptions = LibrarySearchOptions;

/** Owns the loaded libopenvino_c and one ov_core. */
export class Runtime extends NativeObject {
  readonly library: OpenVinoLibrary;
  readonly version: RuntimeVersion;

  private constructor(library: OpenVinoLibrary, core: Pointer) {
    super('Runtime', core, (handle) => library.api.ov_core_free(handle));
    this.library = library;
    this.version = readVersion(library);
  }

  /**
   * Locates libopenvino_c (options.libDir, OPENVINO_LIB_DIR, INTEL_OPENVINO_DIR, the project's
   * .venv wheel, /opt/intel archives, the system loader) and creates a core.
   */
  static open(options: RuntimeOptions = {}): Runtime {
    const library = new OpenVinoLibrary(options);
    const core: Out<Pointer | null> = [null];
    library.check(library.api.ov_core_create(core), 'ov_core_create');
    return new Runtime(library, core[0] as Pointer);
  }

  get libraryPath(): string {
    return this.library.path;
  }

  /** Device names as OpenVINO lists them (plugins that found no hardware are absent). */
  availableDeviceNames(): string[] {
    const { api } = this.library;
    const list = koffi.alloc(ov_available_devices_t, 1) as Pointer;
    try {
      this.library.check(api.ov_core_get_available_devices(this.handle, list), 'ov_core_get_available_devices');
      const { devices, size } = koffi.decode(list, ov_available_devices_t) as { devices: Pointer | null; size: number };
      const names = devices === null || Number(size) === 0 ? [] : (koffi.decode(devices, 'char *', Number(size)) as string[]);
      api.ov_available_devices_free(list);
      return names;
    } finally {
      koffi.free(list);
    }
  }

  availableDevices(): DeviceInfo[] {
    return this.availableDeviceNames().map((name) => ({ name, fullName: this.deviceProperty(name, 'FULL_DEVICE_NAME') }));
  }

  /** Any device property as a string (ov_core_get_property). */
  deviceProperty(device: string, key: string): string {
    const value: Out<Pointer | null> = [null];
    this.library.check(this.library.api.ov_core_get_property(this.handle, device, key, value), 'ov_core_get_property');
    return this.library.takeString(value[0]);
  }

  /**
   * Reads an IR (.xml, with the .bin beside it), an ONNX file or a frozen TensorFlow .pb.
   * `weightsPath` is only for an IR whose .bin is elsewhere.
   */
  readModel(modelPath: string, weightsPath?: string): Model {
    return Model.read(this.library, this.handle, modelPath, weightsPath);
  }
}

function readVersion(library: OpenVinoLibrary): RuntimeVersion {
  const struct = koffi.alloc(ov_version_t, 1) as Pointer;
  try {
    library.check(library.api.ov_get_openvino_version(struct), 'ov_get_openvino_version');
    const { buildNumber, description } = koffi.decode(struct, ov_version_t) as RuntimeVersion;
    library.api.ov_version_free(struct);
    return { buildNumber, description };
  } finally {
    koffi.free(struct);
  }
}
