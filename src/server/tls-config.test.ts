import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadServerConfig, loadTlsConfig } from './config.js';
import { buildSelfSignedCertificate } from './self-signed-certificate.js';
import { fingerprintOfPem, selfSignedNames, TlsIdentity } from './tls-identity.js';

describe('whether the server serves TLS', () => {
  it('keeps plain HTTP on a loopback host unless --tls or a certificate is given', () => {
    expect(loadTlsConfig({}, {}, '127.0.0.1')).toEqual({ mode: 'off', insecureHttp: false });
    expect(loadTlsConfig({}, {}, 'localhost').mode).toBe('off');
    expect(loadTlsConfig({ tls: true }, {}, '127.0.0.1')).toEqual({ mode: 'self-signed', sans: [] });
    expect(loadTlsConfig({}, { MADO_TLS_CERT: 'c.pem', MADO_TLS_KEY: 'k.pem' }, '127.0.0.1')).toMatchObject({
      mode: 'files',
      certPath: expect.stringMatching(/\/c\.pem$/) as string,
      keyPath: expect.stringMatching(/\/k\.pem$/) as string,
    });
  });

  it('serves TLS on any other host (self-signed, SANs from --tls-san and MADO_TLS_SANS) unless --insecure-http', () => {
    expect(loadTlsConfig({ tlsSan: ['mado.lan'] }, { MADO_TLS_SANS: '10.0.0.5, db.lan' }, '0.0.0.0')).toEqual({
      mode: 'self-signed',
      sans: ['mado.lan', '10.0.0.5', 'db.lan'],
    });
    expect(loadTlsConfig({ insecureHttp: true }, {}, '0.0.0.0')).toEqual({ mode: 'off', insecureHttp: true });
    expect(loadTlsConfig({}, { MADO_INSECURE_HTTP: 'true' }, '10.0.0.5').mode).toBe('off');
    expect(loadServerConfig({ host: '0.0.0.0' }, {}).tls.mode).toBe('self-signed');
  });

  it('names the flags of an incomplete or contradictory TLS configuration', () => {
    expect(() => loadTlsConfig({ tlsCert: 'c.pem' }, {}, '0.0.0.0')).toThrow(ConfigError);
    expect(() => loadTlsConfig({ tlsCert: 'c.pem' }, {}, '0.0.0.0')).toThrow('--tls-key / MADO_TLS_KEY');
    expect(() => loadTlsConfig({ tls: true, insecureHttp: true }, {}, '0.0.0.0')).toThrow('--insecure-http');
  });
});

describe('the self-signed certificate', () => {
  it('names the host (or this machine for a wildcard), the extra names, localhost and 127.0.0.1', () => {
    expect(selfSignedNames('10.0.0.5', ['mado.lan'])).toEqual(['10.0.0.5', 'mado.lan', 'localhost', '127.0.0.1']);
    expect(selfSignedNames('0.0.0.0', [])).toHaveLength(3);
  });

  it('is made once in the data directory and reused; a reload that does not load keeps the current pair', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'mado-tls-'));
    try {
      const first = TlsIdentity.open({ mode: 'self-signed', sans: ['::1'] }, dataDir, '0.0.0.0', new Date());
      const again = TlsIdentity.open({ mode: 'self-signed', sans: [] }, dataDir, '0.0.0.0', new Date());
      expect(again.fingerprint).toBe(first.fingerprint);
      expect(first.fingerprint).toMatch(/^SHA256:([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
      const other = buildSelfSignedCertificate(['localhost'], new Date());
      // A certificate without its key: refused, the current pair stays.
      writeFileSync(join(dataDir, 'tls', 'cert.pem'), other.cert);
      expect(() => again.reload()).toThrow('do not make a usable pair');
      expect(again.fingerprint).toBe(first.fingerprint);
      writeFileSync(join(dataDir, 'tls', 'key.pem'), other.key);
      expect(again.reload()).toEqual({ changed: true });
      expect(again.fingerprint).toBe(fingerprintOfPem(other.cert));
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
