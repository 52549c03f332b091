/**
 * What tests compute from a server certificate (PEM) to check and trust it independently of the
 * server's own code: its `SHA256:…` fingerprint (the banner's, the agents' pin) and the base64
 * SHA-256 of its public key (Chromium's `--ignore-certificate-errors-spki-list` pin).
 */
import { createHash, X509Certificate } from 'node:crypto';

export function certificateFingerprint(pem: string): string {
  return `SHA256:${new X509Certificate(pem).fingerprint256}`;
}

export function spkiSha256Base64(pem: string): string {
  const spki = new X509Certificate(pem).publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(spki).digest('base64');
}
