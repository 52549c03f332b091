/**
 * How the API, the console and the agent gateway are served (issue #10): on a loopback host plain
 * HTTP unless `--tls` or a certificate is given; on any other host TLS (the operator's certificate
 * or a self-signed one) unless `--insecure-http`.
 */
import { resolve } from 'node:path';
import { isLoopbackHost } from '../shared/fingerprint.js';
import { ConfigError, EnvReader } from './config-values.js';

/**
 * `off`: plain HTTP. `files`: the operator's certificate and key. `self-signed`: one the server
 * makes in its data directory. `nextCertPath`: the certificate announced to agents for rotation.
 */
export type ServerTlsConfig =
  | { readonly mode: 'off'; readonly insecureHttp: boolean }
  | { readonly mode: 'files'; readonly certPath: string; readonly keyPath: string; readonly nextCertPath?: string }
  | { readonly mode: 'self-signed'; readonly sans: readonly string[]; readonly nextCertPath?: string };

/** The TLS flags as parsed by the CLI. */
export interface TlsFlags {
  readonly tls?: boolean;
  readonly tlsCert?: string;
  readonly tlsKey?: string;
  readonly tlsSan?: readonly string[];
  readonly tlsNextCert?: string;
  readonly insecureHttp?: boolean;
}

/** @throws ConfigError naming the flag or variable at fault. */
export function loadTlsConfig(flags: TlsFlags, environment: NodeJS.ProcessEnv, host: string): ServerTlsConfig {
  const env = new EnvReader(environment);
  const certPath = flags.tlsCert ?? env.text('MADO_TLS_CERT');
  const keyPath = flags.tlsKey ?? env.text('MADO_TLS_KEY');
  const nextCert = flags.tlsNextCert ?? env.text('MADO_TLS_NEXT_CERT');
  const nextCertPath = nextCert === undefined ? {} : { nextCertPath: resolve(nextCert) };
  const insecureHttp = flags.insecureHttp ?? env.flag('MADO_INSECURE_HTTP');
  if ((certPath === undefined) !== (keyPath === undefined)) {
    throw new ConfigError('Give both --tls-cert / MADO_TLS_CERT and --tls-key / MADO_TLS_KEY, or neither.');
  }
  if (insecureHttp && (certPath !== undefined || flags.tls === true)) {
    throw new ConfigError('--insecure-http / MADO_INSECURE_HTTP cannot be combined with --tls or --tls-cert.');
  }
  if (certPath !== undefined && keyPath !== undefined) {
    return { mode: 'files', certPath: resolve(certPath), keyPath: resolve(keyPath), ...nextCertPath };
  }
  if (flags.tls === true || env.flag('MADO_TLS') || (!isLoopbackHost(host) && !insecureHttp)) {
    const sans = [...(flags.tlsSan ?? []), ...(env.text('MADO_TLS_SANS') ?? '').split(',')]
      .map((name) => name.trim())
      .filter((name) => name !== '');
    return { mode: 'self-signed', sans, ...nextCertPath };
  }
  return { mode: 'off', insecureHttp };
}
