/** What every service receives from the composition root. */
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import type { Store } from '../store/store.js';

/** Service quotas (spec §11); each configurable. */
export interface Quotas {
  readonly maintenanceWindows: number;
  readonly targetsPerWindow: number;
  readonly tasksPerWindow: number;
  /** Documents created through the API (Amazon-owned ones do not count). */
  readonly documents: number;
  /** Versions that one document may have at a time. */
  readonly versionsPerDocument: number;
}

export const DEFAULT_QUOTAS = {
  maintenanceWindows: 50,
  targetsPerWindow: 100,
  tasksPerWindow: 20,
  documents: 500,
  versionsPerDocument: 1000,
} as const satisfies Quotas;

/** The region ARNs name when the server is given none. */
export const DEFAULT_REGION = 'us-east-1';

export interface ServiceContext {
  readonly store: Store;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly quotas: Quotas;
  /** Account id used in ARNs. */
  readonly accountId: string;
  /** Region used in ARNs; DEFAULT_REGION when absent. */
  readonly region?: string;
  /** Output kept per stream per step (`MADO_OUTPUT_CAP_BYTES`); DEFAULT_OUTPUT_CAP_BYTES when absent. */
  readonly outputCapBytes?: number;
}
