import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger as NO_LOGGER } from '../shared/logger.js';
import { parseFingerprint } from '../shared/fingerprint.js';
import { insecureUrlProblem, loadTrust, ServerPins, TRUST_FILE } from './server-trust.js';

const A = `SHA256:${'AA:'.repeat(31)}AA`;
const B = `SHA256:${'BB:'.repeat(31)}BB`;
const C = `SHA256:${'CC:'.repeat(31)}CC`;

describe('fingerprints', () => {
  it('normalise case and colons to the printed form and reject anything else', () => {
    expect(parseFingerprint(`sha256:${'aa'.repeat(32)}`)).toBe(A);
    expect(parseFingerprint(A)).toBe(A);
    expect(parseFingerprint('AA:'.repeat(31) + 'AA')).toBeUndefined();
    expect(parseFingerprint(`SHA256:${'AA'.repeat(31)}`)).toBeUndefined();
    expect(parseFingerprint(`SHA1:${'AA'.repeat(32)}`)).toBeUndefined();
  });
});

describe('plain HTTP policy', () => {
  it('allows http:// on loopback, https:// anywhere, and other http:// only with --insecure-http', () => {
    for (const url of ['http://127.0.0.1:8080', 'http://localhost:8080', 'http://[::1]:8080', 'http://127.0.0.2']) {
      expect(insecureUrlProblem(url, false)).toBeUndefined();
    }
    expect(insecureUrlProblem('https://mado.example.com', false)).toBeUndefined();
    expect(insecureUrlProblem('http://mado.example.com', false)).toContain('--insecure-http');
    expect(insecureUrlProblem('http://10.0.0.5:8080', false)).toContain('plain HTTP on a non-loopback address');
    expect(insecureUrlProblem('http://10.0.0.5:8080', true)).toBeUndefined();
  });
});

describe('ServerPins', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));
  const stateDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'mado-pins-'));
    dirs.push(dir);
    return dir;
  };

  it('adds an announced pin, keeps both while the old certificate is served, then keeps only the new one', () => {
    const dir = stateDir();
    const pins = new ServerPins(dir, { pins: [A], insecureHttp: false }, NO_LOGGER);
    pins.announced(B);
    expect(loadTrust(dir)).toEqual({ pins: [A, B], insecureHttp: false });
    expect(statSync(join(dir, TRUST_FILE)).mode & 0o777).toBe(0o600);
    pins.verified(A);
    expect(pins.pins).toEqual([A, B]);
    pins.verified(B);
    expect(loadTrust(dir).pins).toEqual([B]);
    pins.announced(C);
    expect(pins.pins).toEqual([B, C]);
  });

  it('ignores announcements when the node trusts CAs instead of a pin', () => {
    const dir = stateDir();
    const pins = new ServerPins(dir, { pins: [], insecureHttp: false }, NO_LOGGER);
    pins.announced(B);
    expect(pins.pins).toEqual([]);
    expect(loadTrust(dir)).toEqual({ pins: [], insecureHttp: false });
  });
});
