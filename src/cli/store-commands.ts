/**
 * `mado migrate-store --from DATA_DIR --to postgres://…`: copies the embedded SQLite store of a
 * data directory into an empty PostgreSQL store (server/store-migration.ts). Stop the server
 * first; start it again with `--database-url` and the same data directory (its master key seals
 * the access keys' secrets, so it goes with the data).
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { migrateStore, redactPostgresUrl } from '../server/store-migration.js';

interface MigrateOptions {
  readonly from: string;
  readonly to: string;
  readonly json?: boolean;
}

export function addStoreCommands(program: Command): void {
  program
    .command('migrate-store')
    .description('copy the SQLite store of a data directory into an empty PostgreSQL store (stop the server first)')
    .requiredOption('--from <dir>', 'data directory holding mado.db')
    .requiredOption('--to <url>', 'PostgreSQL store, postgres://user@host:port/database[?schema=name]')
    .option('--json', 'print JSON')
    .action(async (options: MigrateOptions) => {
      const outcome = await migrateStore({
        from: options.from,
        to: options.to,
        now: Date.now(),
        ...(options.json ? {} : { progress: (table, rows) => console.log(`  ${table.padEnd(20)} ${rows} rows`) }),
      });
      const to = redactPostgresUrl(options.to);
      if (options.json) {
        console.log(JSON.stringify({ from: outcome.sqliteFile, to, ...outcome }, null, 2));
        return;
      }
      console.log(
        `Copied ${outcome.totalRows} rows from ${outcome.sqliteFile} to ${to} in ${(outcome.elapsedMs / 1000).toFixed(1)} s.`,
      );
      console.log(
        `Start the server with --database-url and --data-dir ${resolve(options.from)} (its master key goes with the data).`,
      );
    });
}
