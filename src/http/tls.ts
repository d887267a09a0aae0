import { readFile } from 'node:fs/promises';

/** Where the certificate and its key are (TLS_CERT, TLS_KEY). */
export interface TlsSettings {
  tlsCert?: string | undefined;
  tlsKey?: string | undefined;
}

export interface TlsFiles {
  cert: Buffer;
  key: Buffer;
}

/** The PEM files to serve HTTPS with, or null for plain HTTP; one without the other is an error. */
export async function readTlsFiles({ tlsCert, tlsKey }: TlsSettings): Promise<TlsFiles | null> {
  if (tlsCert === undefined && tlsKey === undefined) return null;
  if (tlsCert === undefined || tlsKey === undefined) throw new Error('TLS_CERT and TLS_KEY go together: set both (PEM files) or neither');
  const read = async (file: string, setting: string) => {
    try {
      return await readFile(file);
    } catch (cause) {
      throw new Error(`${setting} ${file} cannot be read: ${(cause as Error).message}`, { cause });
    }
  };
  return { cert: await read(tlsCert, 'TLS_CERT'), key: await read(tlsKey, 'TLS_KEY') };
}
