import { createHash } from 'node:crypto';
import { unwatchFile, watchFile, type Stats } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { Logger } from 'pino';

/** RFC 6750's token characters, so a key travels unchanged in `Authorization: Bearer <key>`. */
const KEY_PATTERN = /^[A-Za-z0-9._~+/-]+=*$/;
/** Short keys can be guessed; `openssl rand -hex 32` gives 64 characters. */
const MIN_KEY_LENGTH = 16;

/** Where the keys come from: the API_KEYS list and/or the API_KEYS_FILE path. */
export interface ApiKeySettings {
  apiKeys?: readonly string[] | undefined;
  apiKeysFile?: string | undefined;
}

/** A key that cannot be used, named by where it is (never by its value). */
export class ApiKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ApiKeyError';
  }
}

/** How often API_KEYS_FILE's mtime is looked at: a stat a second costs nothing, and it survives editors and Docker/Kubernetes secrets replacing the file. */
const WATCH_INTERVAL_MS = 1000;

/** A name for a key that can be logged and used as a rate-limit bucket: its SHA-256, shortened. */
export function apiKeyId(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 12);
}

function checked(key: string, where: string): string {
  if (!KEY_PATTERN.test(key)) throw new ApiKeyError(`${where}: an API key holds only letters, digits and -._~+/ (e.g. \`openssl rand -hex 32\`)`);
  if (key.length < MIN_KEY_LENGTH) throw new ApiKeyError(`${where}: an API key has at least ${MIN_KEY_LENGTH} characters (e.g. \`openssl rand -hex 32\`)`);
  return key;
}

/** One key a line; `#` starts a comment (a key cannot hold one); blank lines are skipped. */
export function parseApiKeysFile(text: string, file: string): string[] {
  return text.split(/\r?\n/).flatMap((line, i) => {
    const key = line.replace(/#.*/, '').trim();
    return key === '' ? [] : [checked(key, `${file} line ${i + 1}`)];
  });
}

/**
 * The accepted API keys. Several may be valid at once, so a key is rotated without downtime: add the
 * new key, move the clients, remove the old one. The file is re-read by reload() (on SIGHUP and when
 * it changes); a file that cannot be read or holds a bad line keeps the keys already loaded.
 */
export class ApiKeys {
  #keys: readonly string[];
  readonly #listeners: ((keys: readonly string[]) => void)[] = [];

  private constructor(
    readonly settings: ApiKeySettings,
    keys: readonly string[],
    private readonly logger: Logger,
  ) {
    this.#keys = keys;
  }

  /** null when no key is configured: the API is then open. */
  static async load(settings: ApiKeySettings, logger: Logger): Promise<ApiKeys | null> {
    if (settings.apiKeys === undefined && settings.apiKeysFile === undefined) return null;
    const keys = await ApiKeys.#read(settings);
    if (keys.length === 0) throw new ApiKeyError(`${settings.apiKeysFile ?? 'API_KEYS'} holds no API key`);
    return new ApiKeys(settings, keys, logger);
  }

  static async #read({ apiKeys = [], apiKeysFile }: ApiKeySettings): Promise<string[]> {
    const inline = apiKeys.map((key, i) => checked(key, `API_KEYS entry ${i + 1}`));
    if (apiKeysFile === undefined) return inline;
    let text: string;
    try {
      text = await readFile(apiKeysFile, 'utf8');
    } catch (cause) {
      throw new ApiKeyError(`API_KEYS_FILE ${apiKeysFile} cannot be read: ${(cause as Error).message}`);
    }
    return [...new Set([...inline, ...parseApiKeysFile(text, apiKeysFile)])];
  }

  get current(): readonly string[] {
    return this.#keys;
  }

  onChange(listener: (keys: readonly string[]) => void): void {
    this.#listeners.push(listener);
  }

  /** Reloads whenever API_KEYS_FILE changes; returns the function that stops watching. */
  watch(): () => void {
    const file = this.settings.apiKeysFile;
    if (file === undefined) return () => {};
    const changed = (now: Stats, before: Stats) => {
      if (now.mtimeMs !== before.mtimeMs || now.ino !== before.ino || now.size !== before.size) void this.reload();
    };
    watchFile(file, { interval: WATCH_INTERVAL_MS, persistent: false }, changed);
    return () => unwatchFile(file, changed);
  }

  /** Re-reads API_KEYS_FILE; logs the number of keys and their ids, never a key. */
  async reload(): Promise<void> {
    if (this.settings.apiKeysFile === undefined) return;
    let keys: string[];
    try {
      keys = await ApiKeys.#read(this.settings);
    } catch (error) {
      this.logger.error({ err: error }, 'API keys not reloaded: the keys loaded before stay valid');
      return;
    }
    this.#keys = keys;
    for (const listener of this.#listeners) listener(keys);
    if (keys.length === 0) this.logger.warn({ file: this.settings.apiKeysFile }, 'API keys reloaded: the file holds no key, every request needing one is refused');
    else this.logger.info({ keys: keys.map(apiKeyId) }, `API keys reloaded: ${keys.length} valid`);
  }
}
