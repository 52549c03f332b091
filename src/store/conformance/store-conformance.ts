/**
 * The behaviour every Store backend must show, as one vitest suite. A backend's test file calls
 * `describeStoreConformance(name, makeStore)`; each test gets a fresh, empty, migrated store from
 * `makeStore` and disposes of it afterwards. The suite speaks only the Store interface, in domain
 * terms, so SQLite and PostgreSQL run exactly the same checks.
 *
 * Conventions checked throughout:
 * - lists are keyset-paginated: `next` is present only when more items exist, and following it
 *   visits every item exactly once, even when sort times tie and when rows are inserted between
 *   pages;
 * - list filters are OR-ed within one filter and AND-ed across filters; an empty value list
 *   matches nothing;
 * - `transaction(fn)` is all or nothing.
 */
import { afterEach, beforeEach, describe } from 'vitest';
import type { Store } from '../store.js';
import { describeAgentReleaseConformance } from './agent-release-conformance.js';
import { describeCommandConformance } from './command-conformance.js';
import { describeDocumentConformance } from './document-conformance.js';
import { describeFleetConformance } from './fleet-conformance.js';
import { describeHistoryPruningConformance } from './history-pruning-conformance.js';
import { describeKeyConformance } from './key-conformance.js';
import { describePackageConformance } from './package-conformance.js';
import { describeTargetTaskConformance } from './target-task-conformance.js';
import { describeTaskHistoryConformance } from './task-history-conformance.js';
import { describeTransactionConformance } from './transaction-conformance.js';
import { describeWindowConformance } from './window-conformance.js';
import { describeWindowExecutionConformance } from './window-execution-conformance.js';

export interface StoreUnderTest {
  readonly store: Store;
  /** Closes the store and removes whatever `makeStore` created. */
  dispose(): Promise<void>;
}

/** Runs every area of the suite against the backend `makeStore` opens. */
export function describeStoreConformance(name: string, makeStore: () => Promise<StoreUnderTest>): void {
  describe(`Store conformance: ${name}`, () => {
    let subject: StoreUnderTest;

    beforeEach(async () => {
      subject = await makeStore();
    });

    afterEach(async () => {
      await subject.dispose();
    });

    const current = () => subject.store;
    describeWindowConformance(current);
    describeTargetTaskConformance(current);
    describeWindowExecutionConformance(current);
    describeTaskHistoryConformance(current);
    describeHistoryPruningConformance(current);
    describeCommandConformance(current);
    describeFleetConformance(current);
    describeDocumentConformance(current);
    describePackageConformance(current);
    describeAgentReleaseConformance(current);
    describeKeyConformance(current);
    describeTransactionConformance(current);
  });
}
