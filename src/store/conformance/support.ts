/** What the area files of the store conformance suite share: fixed times, sortable ids, pages. */
import type { RunPlan } from '../../domain/window-execution.js';
import type { Cursor, Page } from '../store.js';
import { aWindowTask } from './records.js';

export const T0 = Date.UTC(2024, 0, 15, 12, 0, 0);
export const MINUTE = 60_000;

/** `mw-` ids that sort in the order of `n`. */
export function windowIdOf(n: number): string {
  return `mw-${n.toString(16).padStart(17, '0')}`;
}

/** UUIDs that sort in the order of `n`. */
export function uuidOf(n: number): string {
  return `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

/** A run plan with two tasks, as the window engine writes it when a run starts. */
export function aPlan(): RunPlan {
  const windowId = windowIdOf(1);
  return {
    duration: 3,
    cutoff: 1,
    allowUnassociatedTargets: true,
    tasks: [
      aWindowTask({
        windowId,
        windowTaskId: uuidOf(1),
        priority: 0,
        taskParameters: { commands: { Values: ['uptime'] } },
        cutoffBehavior: 'CANCEL_TASK',
      }),
      aWindowTask({
        windowId,
        windowTaskId: uuidOf(2),
        taskType: 'AUTOMATION',
        taskArn: 'AWS-RestartEC2Instance',
        targets: [],
        priority: 1,
      }),
    ],
  };
}

/** Follows `next` from the first page to the last; returns every page. */
export async function allPages<T>(list: (after: Cursor | undefined) => Promise<Page<T>>): Promise<Page<T>[]> {
  const pages: Page<T>[] = [];
  let after: Cursor | undefined;
  do {
    const page = await list(after);
    pages.push(page);
    after = page.next;
    if (pages.length > 100) {
      throw new Error('pagination does not end');
    }
  } while (after !== undefined);
  return pages;
}

export function itemsOf<T>(pages: readonly Page<T>[]): T[] {
  return pages.flatMap((page) => page.items);
}

/** A stand-in for anything a test throws on purpose. */
export class Abort extends Error {
  override readonly name = 'Abort';
}
