/**
 * `mado audit`: the audit log over the signed API (Mado.ListAuditEvents, admin key), newest
 * first. `--since`/`--until` take an ISO time or a duration back from now (`90s`, `15m`, `1h`,
 * `7d`); `--max N` stops after N events (default 50), following NextToken as needed.
 */
import type { Command } from 'commander';
import { ApiClient, clientSettingsFrom } from './api-client.js';

interface AuditOptions {
  readonly endpointUrl?: string;
  readonly json?: boolean;
  readonly accessKeyId?: string;
  readonly operation?: string;
  readonly outcome?: string;
  readonly since?: string;
  readonly until?: string;
  readonly max: string;
}

interface AuditEventWire {
  readonly Time: number;
  readonly AccessKeyId?: string;
  readonly Operation: string;
  readonly Outcome: string;
  readonly Detail?: string;
  readonly SourceIp?: string;
  readonly ResourceId?: string;
}

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Epoch seconds of an ISO time or of `now - duration`. */
export function parseTimeFlag(value: string, flag: string, now: number): number {
  const duration = /^(\d+)([smhd])$/.exec(value);
  if (duration !== null) {
    return (now - Number(duration[1]) * UNIT_MS[duration[2]!]!) / 1000;
  }
  const at = Date.parse(value);
  if (Number.isNaN(at)) {
    throw new Error(
      `${flag} must be an ISO time (2026-12-07T08:00:00Z) or a duration (90s, 15m, 1h, 7d); got "${value}".`,
    );
  }
  return at / 1000;
}

export function addAuditCommand(program: Command): void {
  program
    .command('audit')
    .description('show the audit log, newest first (needs an admin key)')
    .option('--endpoint-url <url>', 'server URL (env MADO_ENDPOINT_URL; default http://127.0.0.1:8080)')
    .option('--access-key-id <id>', 'only events of this access key')
    .option('--operation <name>', 'only this operation, e.g. SendCommand, RegisterAgent')
    .option('--outcome <outcome>', 'allowed, failed, denied, refused or suppressed')
    .option('--since <time>', 'from this ISO time or duration ago (1h, 7d)')
    .option('--until <time>', 'up to this ISO time or duration ago')
    .option('--max <n>', 'at most this many events', '50')
    .option('--json', 'print JSON')
    .action(async (options: AuditOptions) => {
      const max = Number(options.max);
      if (!Number.isInteger(max) || max < 1) {
        throw new Error(`--max must be a whole number of at least 1; got "${options.max}".`);
      }
      const now = Date.now();
      const client = new ApiClient(clientSettingsFrom(options, process.env));
      const events: AuditEventWire[] = [];
      let nextToken: string | undefined;
      do {
        const page = await client.call<{ AuditEvents: AuditEventWire[]; NextToken?: string }>('Mado.ListAuditEvents', {
          AccessKeyId: options.accessKeyId,
          Operation: options.operation,
          Outcome: options.outcome,
          StartTime: options.since === undefined ? undefined : parseTimeFlag(options.since, '--since', now),
          EndTime: options.until === undefined ? undefined : parseTimeFlag(options.until, '--until', now),
          MaxResults: Math.min(100, max - events.length),
          NextToken: nextToken,
        });
        events.push(...page.AuditEvents);
        nextToken = page.NextToken;
      } while (nextToken !== undefined && events.length < max);
      if (options.json === true) {
        console.log(JSON.stringify({ AuditEvents: events }, null, 2));
        return;
      }
      if (events.length === 0) {
        console.log('No audit events.');
        return;
      }
      console.log(
        `${'TIME'.padEnd(24)}  ${'OUTCOME'.padEnd(10)}  ${'OPERATION'.padEnd(32)}  ${'ACCESS KEY'.padEnd(22)}  ${'SOURCE'.padEnd(15)}  DETAIL`,
      );
      for (const event of events) {
        console.log(
          `${new Date(event.Time * 1000).toISOString().padEnd(24)}  ${event.Outcome.padEnd(10)}  ${event.Operation.padEnd(32)}  ${(event.AccessKeyId ?? event.ResourceId ?? '-').padEnd(22)}  ${(event.SourceIp ?? '-').padEnd(15)}  ${event.Detail ?? ''}`,
        );
      }
    });
}
