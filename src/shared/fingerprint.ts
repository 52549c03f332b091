/**
 * Certificate fingerprints as Mado prints and accepts them: `SHA256:` followed by the SHA-256 of
 * the certificate's DER bytes in upper-case hex pairs joined by colons, the form of Node's
 * `X509Certificate.fingerprint256` and of `openssl x509 -noout -fingerprint -sha256`.
 * Parsing accepts either case, with or without the colons, and always returns the printed form.
 */
import { createHash } from 'node:crypto';

export const FINGERPRINT_PREFIX = 'SHA256:';

/** The fingerprint of a DER-encoded certificate. */
export function fingerprintOfDer(der: Uint8Array): string {
  const hex = createHash('sha256').update(der).digest('hex').toUpperCase();
  return `${FINGERPRINT_PREFIX}${hex.match(/../g)!.join(':')}`;
}

/** The normalised fingerprint, or undefined when `text` is not one. */
export function parseFingerprint(text: string): string | undefined {
  const trimmed = text.trim();
  if (!trimmed.toUpperCase().startsWith(FINGERPRINT_PREFIX)) {
    return undefined;
  }
  const hex = trimmed.slice(FINGERPRINT_PREFIX.length).replaceAll(':', '').toUpperCase();
  if (!/^[0-9A-F]{64}$/.test(hex)) {
    return undefined;
  }
  return `${FINGERPRINT_PREFIX}${hex.match(/../g)!.join(':')}`;
}

/** True for `localhost`, 127.0.0.0/8 and ::1 (with or without brackets). */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  return bare === 'localhost' || bare === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bare);
}
