/**
 * The invocation journal: what makes "each command runs at most once on this node, and the
 * server always learns how it ended" hold across reconnects, worker crashes and reboots.
 *
 * One file per command, `journal/<commandId>.json` (mode 0600), written atomically (temporary
 * file, fsync, rename, fsync of the directory) BEFORE the agent acts on the new state:
 *
 *   (unknown) ──deliver──▶ accepted ──▶ running ──▶ finished ──resultAck──▶ acknowledged
 *                 │            │           │            │                     (journal/done/,
 *                 │            │           │            └ result resent on     pruned after 7 days)
 *                 │            │           │              reconnect/timer
 *                 │            │           └ worker died here: on the next start the entry
 *                 │            │             becomes finished: with the step host's recorded
 *                 │            │             result (step-recovery.ts), else Failed; never re-run
 *                 │            └ nothing ran yet: on the next start the invocation is run
 *                 └ `accepted` is sent only after this file exists
 *
 * Invariants:
 * - An entry is created with link(2), which fails when the name exists, so even two workers on
 *   one state directory cannot both accept (and run) the same command.
 * - `running` is on disk before the first process starts; each step's start (with the process
 *   fingerprint) and each step's result are recorded as they happen.
 * - Hosted script steps keep their files in `<dir>/<commandId>/step-N/` (hosted-process.ts);
 *   the invocation manager removes them once the entry is finished.
 * - Acknowledged entries move to `journal/done/` (written there first, then the live file is
 *   removed); a leftover live file next to a done one is discarded on open.
 *
 * I/O is synchronous on purpose: a deliver is journaled completely before the next frame is
 * looked at, so there is no window in which the same command could be accepted twice.
 */
import { existsSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { DeliveredInvocation, InvocationOutcome, StepResult } from '../protocol/agent-protocol.js';
import { ensureDirectory, fsyncDirectory, tryCreateFileAtomic, writeFileAtomic } from './atomic-file.js';
import type { ProcessFingerprint } from './process-tree.js';

export type JournalState = 'accepted' | 'running' | 'finished' | 'acknowledged';

/** The step that was running when the entry was last written. */
export interface ActiveStep {
  readonly index: number;
  readonly startedAt: number;
  /** Set once the step's process runs; lets a restarted agent stop leftover processes. */
  readonly process?: ProcessFingerprint;
}

export interface JournalEntry {
  readonly version: 1;
  readonly commandId: string;
  readonly state: JournalState;
  readonly invocation: DeliveredInvocation;
  readonly acceptedAt: number;
  readonly startedAt?: number;
  readonly finishedAt?: number;
  readonly acknowledgedAt?: number;
  /** Results of the steps that ended, in order; all of them once finished. */
  readonly steps: readonly StepResult[];
  readonly activeStep?: ActiveStep;
  readonly outcome?: InvocationOutcome;
}

/** Text for a step that was running when the agent died. */
export const INTERRUPTED_STEP_MESSAGE =
  'the agent stopped while this step ran (crash or restart); it was not run again';
/** Text for a step that had not started when the agent died. */
export const NOT_STARTED_STEP_MESSAGE = 'the agent stopped (crash or restart) before this step ran; it was not run';

const DONE_DIR = 'done';

/**
 * Command ids become file names, so only UUID-shaped ids (what the server generates) are
 * accepted; anything else could name a path outside the journal.
 */
export function isSafeCommandId(commandId: string): boolean {
  return /^[0-9A-Za-z-]{36}$/.test(commandId);
}
const ENTRY_FILE = /^(.+)\.json$/;

/**
 * The terminal result of an invocation interrupted by a crash: finished steps keep their
 * results; the running and the never-started steps are Failed with responseCode -1.
 */
export function interruptedResult(
  entry: JournalEntry,
  now: number,
  note?: string,
  messages: { readonly running: string; readonly notStarted: string } = {
    running: INTERRUPTED_STEP_MESSAGE,
    notStarted: NOT_STARTED_STEP_MESSAGE,
  },
): { outcome: InvocationOutcome; steps: StepResult[] } {
  const steps = entry.invocation.steps.map((step, index): StepResult => {
    const done = entry.steps[index];
    if (done !== undefined) {
      return done;
    }
    const wasRunning = entry.activeStep?.index === index;
    const message = wasRunning ? messages.running : messages.notStarted;
    return {
      name: step.name,
      action: step.action,
      outcome: 'Failed',
      responseCode: -1,
      ...(wasRunning ? { startedAt: entry.activeStep?.startedAt, endedAt: now } : {}),
      stdout: '',
      stderr: wasRunning && note !== undefined ? `${message}. ${note}` : message,
    };
  });
  return { outcome: 'Failed', steps };
}

function checkedId(commandId: string): string {
  if (!isSafeCommandId(commandId)) {
    throw new Error(`refusing a command id that is not a UUID: ${JSON.stringify(commandId)}`);
  }
  return commandId;
}

export class Journal {
  private readonly entries = new Map<string, JournalEntry>();
  private readonly doneDir: string;

  /** Problems met while loading (unreadable files set aside), for the caller to log. */
  readonly loadProblems: string[] = [];

  private constructor(private readonly dir: string) {
    this.doneDir = join(dir, DONE_DIR);
  }

  /** Opens (creating if needed) the journal in `dir` and loads its live entries. */
  static open(dir: string): Journal {
    const journal = new Journal(dir);
    ensureDirectory(dir, 0o700);
    ensureDirectory(journal.doneDir, 0o700);
    journal.load();
    return journal;
  }

  private load(): void {
    for (const name of readdirSync(this.dir)) {
      const match = ENTRY_FILE.exec(name);
      if (name.startsWith('.')) {
        // A temporary file of a write that never completed: the old state is the valid one.
        rmSync(join(this.dir, name), { force: true });
        continue;
      }
      if (match === null) {
        continue;
      }
      const path = join(this.dir, name);
      if (existsSync(join(this.doneDir, name))) {
        // Crashed between writing done/<id> and removing the live file: the ack happened.
        rmSync(path, { force: true });
        continue;
      }
      try {
        const entry = JSON.parse(readFileSync(path, 'utf8')) as JournalEntry;
        if (entry.version !== 1 || entry.commandId !== match[1]) {
          throw new Error('not a journal entry of this agent version');
        }
        this.entries.set(entry.commandId, entry);
      } catch (error) {
        const aside = `${path}.unreadable`;
        renameSync(path, aside);
        this.loadProblems.push(`${path}: ${(error as Error).message}; moved to ${aside}`);
      }
    }
  }

  private path(commandId: string): string {
    return join(this.dir, `${checkedId(commandId)}.json`);
  }

  private donePath(commandId: string): string {
    return join(this.doneDir, `${checkedId(commandId)}.json`);
  }

  private write(entry: JournalEntry): JournalEntry {
    writeFileAtomic(this.path(entry.commandId), JSON.stringify(entry), 0o600);
    this.entries.set(entry.commandId, entry);
    return entry;
  }

  private require(commandId: string): JournalEntry {
    const entry = this.entries.get(commandId);
    if (entry === undefined) {
      throw new Error(`no journal entry for command ${commandId}`);
    }
    return entry;
  }

  /** The live (not yet acknowledged) entry of a command. */
  get(commandId: string): JournalEntry | undefined {
    return this.entries.get(commandId);
  }

  /** The kept entry of an acknowledged command, if it was not pruned yet. */
  readAcknowledged(commandId: string): JournalEntry | undefined {
    try {
      return JSON.parse(readFileSync(this.donePath(commandId), 'utf8')) as JournalEntry;
    } catch {
      return undefined;
    }
  }

  /** All live entries, oldest first. */
  list(): JournalEntry[] {
    return [...this.entries.values()].sort((a, b) => a.acceptedAt - b.acceptedAt);
  }

  /** Commands accepted and not yet acknowledged: the hello's `unfinished`. */
  unfinishedIds(): string[] {
    return this.list().map((entry) => entry.commandId);
  }

  /**
   * Records a delivered command as accepted. Returns false when the command is already known
   * (live or acknowledged), in which case nothing is written and it must not run.
   */
  tryAccept(invocation: DeliveredInvocation, now: number): boolean {
    const { commandId } = invocation;
    if (this.entries.has(commandId) || existsSync(this.donePath(commandId))) {
      return false;
    }
    const entry: JournalEntry = { version: 1, commandId, state: 'accepted', invocation, acceptedAt: now, steps: [] };
    if (!tryCreateFileAtomic(this.path(commandId), JSON.stringify(entry), 0o600)) {
      return false;
    }
    this.entries.set(commandId, entry);
    return true;
  }

  /** accepted → running; on disk before anything is started. */
  markRunning(commandId: string, now: number): JournalEntry {
    const entry = this.require(commandId);
    return this.write({ ...entry, state: 'running', startedAt: now });
  }

  recordStepStarted(commandId: string, index: number, startedAt: number): JournalEntry {
    const entry = this.require(commandId);
    return this.write({ ...entry, activeStep: { index, startedAt } });
  }

  recordProcessStarted(commandId: string, index: number, process: ProcessFingerprint): JournalEntry {
    const entry = this.require(commandId);
    const startedAt =
      entry.activeStep?.index === index ? entry.activeStep.startedAt : (entry.startedAt ?? entry.acceptedAt);
    return this.write({ ...entry, activeStep: { index, startedAt, process } });
  }

  recordStepFinished(commandId: string, index: number, result: StepResult): JournalEntry {
    const entry = this.require(commandId);
    const steps = [...entry.steps];
    steps[index] = result;
    const { activeStep: _finished, ...rest } = entry;
    return this.write({ ...rest, steps });
  }

  /** → finished, with the result that is (re)sent until the server acknowledges it. */
  finish(commandId: string, outcome: InvocationOutcome, steps: readonly StepResult[], now: number): JournalEntry {
    const entry = this.require(commandId);
    const { activeStep: _done, ...rest } = entry;
    return this.write({ ...rest, state: 'finished', outcome, steps: [...steps], finishedAt: now });
  }

  /**
   * finished → acknowledged: the entry moves to `done/` (kept for resends and dedupe until
   * pruned). Returns false when the command is not finished (nothing changes then).
   */
  acknowledge(commandId: string, now: number): boolean {
    const entry = this.entries.get(commandId);
    if (entry?.state !== 'finished') {
      return false;
    }
    writeFileAtomic(this.donePath(commandId), JSON.stringify({ ...entry, state: 'acknowledged', acknowledgedAt: now }));
    rmSync(this.path(commandId), { force: true });
    fsyncDirectory(this.dir);
    this.entries.delete(commandId);
    return true;
  }

  /** Removes acknowledged entries older than `retentionMs`; returns how many went. */
  pruneAcknowledged(now: number, retentionMs: number): number {
    let removed = 0;
    for (const name of readdirSync(this.doneDir)) {
      const path = join(this.doneDir, name);
      if (name.startsWith('.')) {
        rmSync(path, { force: true });
        continue;
      }
      let acknowledgedAt: number | undefined;
      try {
        acknowledgedAt = (JSON.parse(readFileSync(path, 'utf8')) as JournalEntry).acknowledgedAt;
      } catch {
        acknowledgedAt = undefined;
      }
      if (acknowledgedAt === undefined || now - acknowledgedAt >= retentionMs) {
        rmSync(path, { force: true });
        removed += 1;
      }
    }
    return removed;
  }
}
