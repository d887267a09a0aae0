import { watch, type FSWatcher } from 'node:fs';
import { Type, type Static } from 'typebox';
import { scanRepository, selectVersions, type ModelOnDisk, type VersionOnDisk } from '../model/repository-layout.js';
import { Classifier, type ClassifierSettings } from './classifier.js';
import { ModelNotFoundError, ModelNotReadyError } from './errors.js';

/** Where the models come from: a watched repository directory, or one model directory (MODEL_DIR). */
export type ModelSource = { repository: string } | { modelDir: string };

export interface RepositorySettings {
  source: ModelSource;
  /** The model /classify serves when none is named; default: the only one, or the first by name. */
  defaultModel?: string | undefined;
  /** How often the repository is rescanned besides file-system events (which some file systems never send). */
  pollIntervalMs: number;
  /** How every version is opened; modelDir is each version's directory. */
  classifier: Omit<ClassifierSettings, 'modelDir'>;
}


/** One version of one model as /model and /devices report it (no path: none leaves the server; the log has it). */
export const VersionStatusSchema = Type.Object(
  {
    name: Type.String(),
    version: Type.String(),
    state: Type.Union([Type.Literal('loading'), Type.Literal('ready'), Type.Literal('failed')]),
    reason: Type.Union([Type.String(), Type.Null()], { description: 'why it failed to load, or why an older version still serves beside it' }),
    device: Type.Union([Type.String(), Type.Null()], { description: 'the device it is compiled on, while ready' }),
    since: Type.String({ description: 'when it entered its state' }),
  },
  { title: 'VersionStatus' },
);
export type VersionStatus = Static<typeof VersionStatusSchema>;
type VersionState = VersionStatus['state'];

interface Entry {
  version: number;
  dir: string;
  fingerprint: string;
  state: VersionState;
  reason: string | null;
  classifier: Classifier | null;
  since: Date;
  /** Work holding this version (use()): a retired version is closed once it has ended. */
  users: Set<Promise<unknown>>;
}

/** Rescan this long after the last file-system event: a copy sends many. */
const SETTLE_MS = 300;

/**
 * The models served, by name and version (OVMS's repository semantics): each version a Classifier.
 * A new version is compiled in the background while the current ones serve; once ready it takes new
 * requests at once (resolve() picks it), and versions the policy no longer wants are taken out of
 * the set and closed, which lets their accepted requests finish. A version that fails to load is
 * reported and the versions serving before it are kept until every wanted version is ready.
 */
export class ModelRepository {
  readonly defaultModel: string;
  readonly #models = new Map<string, Map<number, Entry>>();
  readonly #settings: RepositorySettings | null;
  /** Fingerprints of the previous scan: a version is loaded once two scans agree (its copy has ended). */
  readonly #seen = new Map<string, string>();
  readonly #retiring = new Set<Promise<void>>();
  readonly #problems = new Map<string, string>();
  #watcher: FSWatcher | null = null;
  #poll: NodeJS.Timeout | null = null;
  #settle: NodeJS.Timeout | null = null;
  #syncing: Promise<void> | null = null;
  #again = false;
  #closing: Promise<void> | null = null;

  private constructor(settings: RepositorySettings | null, defaultModel: string) {
    this.#settings = settings;
    this.defaultModel = defaultModel;
  }

  /** One opened classifier as a one-model repository (version 1): MODEL_DIR, and tests. Owns it. */
  static of(classifier: Classifier): ModelRepository {
    const name = classifier.model.manifest.name;
    const repository = new ModelRepository(null, name);
    const entry: Entry = { version: 1, dir: classifier.model.dir, fingerprint: '', state: 'ready', reason: null, classifier, since: new Date(), users: new Set() };
    repository.#models.set(name, new Map([[1, entry]]));
    return repository;
  }

  /** Loads what the source holds; a repository is then watched. Fails when the default model has no version that loads. */
  static async open(settings: RepositorySettings): Promise<ModelRepository> {
    const { source } = settings;
    if ('modelDir' in source) return ModelRepository.of(await Classifier.open({ ...settings.classifier, modelDir: source.modelDir }));
    const onDisk = await scanRepository(source.repository);
    const defaultModel = settings.defaultModel ?? onDisk[0]?.name;
    if (defaultModel === undefined) throw new ModelNotFoundError(`no model in ${source.repository}: expected <name>/<version>/manifest.json`);
    const repository = new ModelRepository(settings, defaultModel);
    try {
      for (const model of onDisk) for (const v of model.versions) repository.#seen.set(v.dir, v.fingerprint);
      await repository.#apply(onDisk);
      repository.resolve(); // the default model must serve from the start
    } catch (error) {
      await repository.close();
      throw error;
    }
    repository.#watch(source.repository, settings.pollIntervalMs);
    return repository;
  }

  /** The classifier of `name` (default: the default model) at `version` (default: its highest ready version). */
  resolve(name: string = this.defaultModel, version?: string): Classifier {
    const versions = this.#models.get(name);
    if (versions === undefined) throw new ModelNotFoundError(`no model "${name}"; served: ${[...this.#models.keys()].join(', ') || 'none'}`);
    if (version !== undefined) {
      const entry = /^\d+$/.test(version) ? versions.get(Number(version)) : undefined;
      if (entry === undefined) throw new ModelNotFoundError(`model "${name}" has no version "${version}"; it has ${[...versions.keys()].join(', ') || 'none'}`);
      if (entry.classifier === null) throw new ModelNotReadyError(`model "${name}" version ${version} is ${entry.state}${entry.reason === null ? '' : `: ${entry.reason}`}`);
      return entry.classifier;
    }
    const ready = [...versions.values()].filter((e) => e.classifier !== null).sort((a, b) => b.version - a.version)[0];
    if (ready?.classifier) return ready.classifier;
    const states = [...versions.values()].map((e) => `${e.version} ${e.state}${e.reason === null ? '' : ` (${e.reason})`}`);
    throw new ModelNotReadyError(`no version of model "${name}" is ready: ${states.join('; ') || 'none on disk'}`);
  }

  /**
   * Runs `work` on the classifier resolve(name, version) gives, holding that version until the work
   * ends: a version retired meanwhile (a newer one swapped in) is closed only after it, so a request
   * that reads its upload for a while still finishes on the version it started with.
   */
  use<T>(work: (classifier: Classifier, version: string) => Promise<T>, name?: string, version?: string): Promise<T> {
    const classifier = this.resolve(name, version);
    const entry = this.#entryOf(classifier);
    const running = work(classifier, String(entry?.version ?? 1));
    if (entry !== undefined) {
      entry.users.add(running);
      const release = () => entry.users.delete(running);
      running.then(release, release);
    }
    return running;
  }

  #entryOf(classifier: Classifier): Entry | undefined {
    for (const versions of this.#models.values()) for (const e of versions.values()) if (e.classifier === classifier) return e;
    return undefined;
  }

  /** The version number `classifier` is served as. */
  versionOf(classifier: Classifier): string {
    return String(this.#entryOf(classifier)?.version ?? 1);
  }

  /** Every model and version known, loading and failed ones included. */
  status(): VersionStatus[] {
    return [...this.#models].flatMap(([name, versions]) =>
      [...versions.values()].map((e) => ({
        name,
        version: String(e.version),
        state: e.state,
        reason: e.reason,
        device: e.classifier?.device ?? null,
        since: e.since.toISOString(),
      })),
    );
  }

  /** Ready classifiers, with their name and version (metrics, shutdown). */
  loaded(): { name: string; version: string; classifier: Classifier }[] {
    return [...this.#models].flatMap(([name, versions]) =>
      [...versions.values()].flatMap((e) => (e.classifier === null ? [] : [{ name, version: String(e.version), classifier: e.classifier }])),
    );
  }

  /** Rescans the repository and applies it; calls during a sync are folded into one more. */
  sync(): Promise<void> {
    if (this.#settings === null || !('repository' in this.#settings.source) || this.#closing !== null) return Promise.resolve();
    const root = this.#settings.source.repository;
    if (this.#syncing !== null) {
      this.#again = true;
      return this.#syncing;
    }
    this.#syncing = (async () => {
      do {
        this.#again = false;
        try {
          await this.#apply(await this.#stable(await scanRepository(root)));
        } catch (error) {
          this.#settings?.classifier.logger?.error({ err: error, repository: root }, 'model repository scan failed');
        }
      } while (this.#again && this.#closing === null);
    })().finally(() => (this.#syncing = null));
    return this.#syncing;
  }

  /** Stops watching, lets in-flight work finish, frees every model. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#watcher?.close();
      if (this.#poll !== null) clearInterval(this.#poll);
      if (this.#settle !== null) clearTimeout(this.#settle);
      await this.#syncing;
      const all = [...this.#models.values()].flatMap((versions) => [...versions.values()]);
      this.#models.clear();
      await Promise.all([...this.#retiring, ...all.map((e) => e.classifier?.close())]);
    })();
    return this.#closing;
  }

  /** Versions whose files changed since the last scan are left for the next one (a copy in progress). */
  async #stable(onDisk: ModelOnDisk[]): Promise<ModelOnDisk[]> {
    let changing = false;
    const stable = onDisk.map((model) => ({
      ...model,
      versions: model.versions.filter((v) => {
        const same = this.#seen.get(v.dir) === v.fingerprint;
        this.#seen.set(v.dir, v.fingerprint);
        changing ||= !same;
        return same || this.#models.get(model.name)?.get(v.version)?.state === 'ready';
      }),
    }));
    if (changing) this.#schedule();
    return stable;
  }

  async #apply(onDisk: ModelOnDisk[]): Promise<void> {
    const logger = this.#settings?.classifier.logger;
    for (const model of onDisk) {
      if (model.policyProblem !== null && this.#problems.get(model.name) !== model.policyProblem) {
        logger?.warn({ model: model.name }, `version policy ignored, serving the latest version: ${model.policyProblem}`);
      }
      this.#problems.set(model.name, model.policyProblem ?? '');
      const versions = this.#models.get(model.name) ?? new Map<number, Entry>();
      this.#models.set(model.name, versions);
      const wanted = selectVersions(model.policy, model.versions.map((v) => v.version));
      for (const version of wanted) {
        const disk = model.versions.find((v) => v.version === version)!;
        const entry = versions.get(version);
        // A loaded version is not reloaded; a failed one is tried again once its files change.
        if (entry !== undefined && (entry.state !== 'failed' || entry.fingerprint === disk.fingerprint)) continue;
        await this.#load(model.name, versions, disk);
        if (this.#closing !== null) return;
      }
      this.#retire(model.name, versions, wanted);
    }
    for (const [name, versions] of this.#models) if (!onDisk.some((m) => m.name === name)) this.#retire(name, versions, []);
  }

  async #load(name: string, versions: Map<number, Entry>, disk: VersionOnDisk): Promise<void> {
    const settings = this.#settings!;
    const logger = settings.classifier.logger;
    const entry: Entry = { ...disk, state: 'loading', reason: null, classifier: null, since: new Date(), users: new Set() };
    versions.set(disk.version, entry);
    logger?.info({ model: name, version: disk.version, dir: disk.dir }, `loading model ${name} version ${disk.version}`);
    try {
      const classifier = await Classifier.open({ ...settings.classifier, modelDir: disk.dir });
      if (this.#closing !== null || versions.get(disk.version) !== entry) {
        await classifier.close();
        return;
      }
      Object.assign(entry, { state: 'ready', classifier, since: new Date() });
      logger?.info({ model: name, version: disk.version, device: classifier.device }, `model ${name} version ${disk.version} serves on ${classifier.device}`);
    } catch (error) {
      Object.assign(entry, { state: 'failed', reason: (error as Error).message, since: new Date() });
      logger?.error({ model: name, version: disk.version, err: error }, `model ${name} version ${disk.version} failed to load; the versions serving keep serving`);
    }
  }

  /** Takes out the versions not `wanted`, once every wanted version serves; a model with none wanted goes entirely. */
  #retire(name: string, versions: Map<number, Entry>, wanted: number[]): void {
    const logger = this.#settings?.classifier.logger;
    const missing = wanted.filter((v) => versions.get(v)?.state !== 'ready');
    for (const entry of [...versions.values()]) {
      if (wanted.includes(entry.version)) continue;
      if (missing.length > 0 && entry.classifier !== null) {
        const reason = `kept serving: version ${missing.join(', ')} is not ready`;
        if (entry.reason !== reason) logger?.warn({ model: name, version: entry.version }, `model ${name} version ${entry.version} ${reason}`);
        entry.reason = reason;
        continue;
      }
      versions.delete(entry.version);
      if (entry.classifier === null) continue;
      logger?.info({ model: name, version: entry.version }, `model ${name} version ${entry.version} retired: finishing its requests, then freed`);
      const { classifier, users } = entry;
      const closing = Promise.allSettled([...users])
        .then(() => classifier.close())
        .finally(() => this.#retiring.delete(closing));
      this.#retiring.add(closing);
    }
    if (versions.size === 0) this.#models.delete(name);
  }

  #schedule(): void {
    if (this.#closing !== null) return;
    if (this.#settle !== null) clearTimeout(this.#settle);
    this.#settle = setTimeout(() => {
      this.#settle = null;
      void this.sync();
    }, SETTLE_MS).unref();
  }

  #watch(root: string, pollIntervalMs: number): void {
    const logger = this.#settings?.classifier.logger;
    try {
      this.#watcher = watch(root, { recursive: true, persistent: false }, () => this.#schedule());
      this.#watcher.on('error', (error) => logger?.warn({ err: error }, 'model repository watch failed; polling only'));
    } catch (error) {
      logger?.warn({ err: error }, 'model repository cannot be watched; polling only');
    }
    if (pollIntervalMs > 0) this.#poll = setInterval(() => void this.sync(), pollIntervalMs).unref();
  }
}
