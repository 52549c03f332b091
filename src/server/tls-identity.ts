/**
 * The server's TLS identity: which certificate it serves, its fingerprint, and the next
 * certificate it announces to agents before a planned rotation.
 *
 * - `files` mode serves `--tls-cert`/`--tls-key` as given; `self-signed` mode serves
 *   `<data-dir>/tls/cert.pem` and `key.pem`, made on first start (ECDSA P-256) and reused after.
 * - `reload()` (SIGHUP) re-reads the files; a pair that does not load (unreadable, or a key that
 *   does not match its certificate) is refused and the current one stays in service.
 * - The next certificate (`--tls-next-cert`) is only read for its fingerprint: its key is never
 *   needed until the operator moves it into place and reloads.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { createSecureContext } from 'node:tls';
import { fingerprintOfDer } from '../shared/fingerprint.js';
import type { ServerTlsConfig } from './config.js';
import { buildSelfSignedCertificate } from './self-signed-certificate.js';

export const TLS_DIR = 'tls';
export const SELF_SIGNED_CERT_FILE = 'cert.pem';
export const SELF_SIGNED_KEY_FILE = 'key.pem';

export interface CertificatePair {
  readonly cert: string;
  readonly key: string;
  readonly fingerprint: string;
}

/** The fingerprint of the first certificate in a PEM text. */
export function fingerprintOfPem(pem: string): string {
  return fingerprintOfDer(new X509Certificate(pem).raw);
}

/** Subject alternative names of a self-signed certificate for `host` plus `extra`. */
export function selfSignedNames(host: string, extra: readonly string[]): string[] {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  const wildcard = bare === '0.0.0.0' || bare === '::' || bare === '';
  const names = [...(wildcard ? [hostname()] : [bare]), ...extra, 'localhost', '127.0.0.1'];
  return [...new Set(names.filter((name) => name !== ''))];
}

/** Reads a certificate and key; @throws Error naming the file at fault or the mismatch. */
function readPair(certPath: string, keyPath: string): CertificatePair {
  const read = (path: string) => {
    try {
      return readFileSync(path, 'utf8');
    } catch (error) {
      throw new Error(`cannot read ${path}: ${(error as Error).message}`, { cause: error });
    }
  };
  const cert = read(certPath);
  const key = read(keyPath);
  try {
    createSecureContext({ cert, key });
    return { cert, key, fingerprint: fingerprintOfPem(cert) };
  } catch (error) {
    throw new Error(`${certPath} and ${keyPath} do not make a usable pair: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

export class TlsIdentity {
  private current: CertificatePair;
  private next: string | undefined;

  private constructor(
    private readonly certPath: string,
    private readonly keyPath: string,
    private readonly nextCertPath: string | undefined,
  ) {
    this.current = readPair(certPath, keyPath);
    this.next = this.readNext();
  }

  /** Loads the given files, or the self-signed pair in the data directory (made if missing). */
  static open(tls: Exclude<ServerTlsConfig, { mode: 'off' }>, dataDir: string, host: string, now: Date): TlsIdentity {
    if (tls.mode === 'files') {
      return new TlsIdentity(tls.certPath, tls.keyPath, tls.nextCertPath);
    }
    const dir = join(dataDir, TLS_DIR);
    const certPath = join(dir, SELF_SIGNED_CERT_FILE);
    const keyPath = join(dir, SELF_SIGNED_KEY_FILE);
    if (!existsSync(certPath) || !existsSync(keyPath)) {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const pair = buildSelfSignedCertificate(selfSignedNames(host, tls.sans), now);
      writeFileSync(keyPath, pair.key, { mode: 0o600 });
      writeFileSync(certPath, pair.cert, { mode: 0o600 });
      chmodSync(keyPath, 0o600);
      chmodSync(certPath, 0o600);
    }
    return new TlsIdentity(certPath, keyPath, tls.nextCertPath);
  }

  get pair(): CertificatePair {
    return this.current;
  }

  get fingerprint(): string {
    return this.current.fingerprint;
  }

  /** The fingerprint of the announced next certificate, if one is configured and differs. */
  get nextFingerprint(): string | undefined {
    return this.next;
  }

  /** Re-reads the files; @throws Error (the current pair stays) when the new pair is unusable. */
  reload(): { changed: boolean } {
    const pair = readPair(this.certPath, this.keyPath);
    const changed = pair.fingerprint !== this.current.fingerprint;
    this.current = pair;
    this.next = this.readNext();
    return { changed };
  }

  private readNext(): string | undefined {
    if (this.nextCertPath === undefined || !existsSync(this.nextCertPath)) {
      return undefined;
    }
    const fingerprint = fingerprintOfPem(readFileSync(this.nextCertPath, 'utf8'));
    return fingerprint === this.current.fingerprint ? undefined : fingerprint;
  }
}
