/**
 * Debian's unmodified AWS CLI v2, always by its path (another `aws`, v1, may come first on
 * PATH), in a clean environment: nothing from the developer's own AWS setup leaks in. Over
 * HTTPS it trusts the server's certificate with `--ca-bundle`, as a user would.
 */
import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import { promisify } from 'node:util';
import { ADMIN, type Credentials, type Endpoint } from './server-process.js';

export const AWS_CLI = '/usr/bin/aws';

const execFileAsync = promisify(execFile);

export interface AwsCliOptions {
  readonly credentials?: Credentials;
  /** A config file for the CLI; /dev/null (no configuration at all) by default. */
  readonly configFile?: string;
  /** HOME for the CLI (its cache); a temporary directory by default. */
  readonly home?: string;
}

export function awsCliEnv(options: AwsCliOptions = {}): NodeJS.ProcessEnv {
  const credentials = options.credentials ?? ADMIN;
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: options.home ?? tmpdir(),
    LANG: 'C.UTF-8',
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AWS_CONFIG_FILE: options.configFile ?? '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_PAGER: '',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}

/** `--endpoint-url`, `--ca-bundle` (over HTTPS), `--region` and `--output json` for `endpoint`. */
export function awsCliEndpointArgs(endpoint: string | Endpoint): string[] {
  const { url, caFile } = typeof endpoint === 'string' ? { url: endpoint, caFile: undefined } : endpoint;
  return [
    '--endpoint-url',
    url,
    ...(caFile === undefined ? [] : ['--ca-bundle', caFile]),
    '--region',
    'us-east-1',
    '--output',
    'json',
  ];
}

/** Runs `aws ssm <args>` against `endpoint` with JSON output. */
export function runAwsSsm(endpoint: string | Endpoint, args: readonly string[], options: AwsCliOptions = {}) {
  return execFileAsync(AWS_CLI, ['ssm', ...args, ...awsCliEndpointArgs(endpoint)], {
    env: awsCliEnv(options),
    maxBuffer: 16 * 1024 * 1024,
    timeout: 30_000,
  });
}

/** Runs `aws ssm <args>` and parses its JSON output; an empty output (no response fields) is `{}`. */
export async function awsSsm<T = Record<string, unknown>>(
  endpoint: string | Endpoint,
  args: readonly string[],
  options: AwsCliOptions = {},
): Promise<T> {
  const { stdout } = await runAwsSsm(endpoint, args, options);
  return (stdout.trim() === '' ? {} : JSON.parse(stdout)) as T;
}
