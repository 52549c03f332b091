import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveredInvocation, StepResult } from '../protocol/agent-protocol.js';
import {
  INTERRUPTED_STEP_MESSAGE,
  interruptedResult,
  Journal,
  NOT_STARTED_STEP_MESSAGE,
  type JournalEntry,
} from './journal.js';

const COMMAND_ID = '11111111-2222-4333-8444-555555555555';
const OTHER_ID = '66666666-7777-4888-8999-000000000000';

function invocation(commandId = COMMAND_ID): DeliveredInvocation {
  return {
    commandId,
    documentName: 'AWS-RunShellScript',
    defaultTimeoutSeconds: 3600,
    steps: [
      { action: 'aws:runShellScript', name: 'first', inputs: { runCommand: ['echo 1'] } },
      { action: 'aws:runShellScript', name: 'second', inputs: { runCommand: ['echo 2'] } },
      { action: 'aws:runShellScript', name: 'third', inputs: { runCommand: ['echo 3'] } },
    ],
  };
}

function success(name: string, at: number): StepResult {
  return {
    name,
    action: 'aws:runShellScript',
    outcome: 'Success',
    responseCode: 0,
    startedAt: at,
    endedAt: at,
    stdout: `${name}\n`,
    stderr: '',
  };
}

let dir: string;

beforeEach(() => {
  dir = join(mkdtempSync(join(tmpdir(), 'mado-journal-')), 'journal');
});

afterEach(() => {
  rmSync(join(dir, '..'), { recursive: true, force: true });
});

const onDisk = (commandId = COMMAND_ID) =>
  JSON.parse(readFileSync(join(dir, `${commandId}.json`), 'utf8')) as JournalEntry;

describe('journal', () => {
  it('writes an accepted entry to disk, mode 0600, before tryAccept returns', () => {
    const journal = Journal.open(dir);
    expect(journal.tryAccept(invocation(), 1_000)).toBe(true);
    expect(onDisk().state).toBe('accepted');
    expect(onDisk().invocation).toEqual(invocation());
    expect(statSync(join(dir, `${COMMAND_ID}.json`)).mode & 0o777).toBe(0o600);
    expect(journal.unfinishedIds()).toEqual([COMMAND_ID]);
  });

  it('refuses to accept a command twice', () => {
    const journal = Journal.open(dir);
    expect(journal.tryAccept(invocation(), 1_000)).toBe(true);
    expect(journal.tryAccept(invocation(), 2_000)).toBe(false);
    expect(onDisk().acceptedAt).toBe(1_000);
  });

  it('refuses a command that another journal on the same directory accepted first', () => {
    const first = Journal.open(dir);
    const second = Journal.open(dir);
    expect(first.tryAccept(invocation(), 1_000)).toBe(true);
    expect(second.tryAccept(invocation(), 1_001)).toBe(false);
  });

  it('records running, each step, and the finished result', () => {
    const journal = Journal.open(dir);
    journal.tryAccept(invocation(), 1_000);
    journal.markRunning(COMMAND_ID, 1_100);
    expect(onDisk()).toMatchObject({ state: 'running', startedAt: 1_100 });
    journal.recordStepStarted(COMMAND_ID, 0, 1_200);
    journal.recordProcessStarted(COMMAND_ID, 0, { processGroupId: 4242, startTicks: '99', bootId: 'b' });
    expect(onDisk().activeStep).toEqual({
      index: 0,
      startedAt: 1_200,
      process: { processGroupId: 4242, startTicks: '99', bootId: 'b' },
    });
    journal.recordStepFinished(COMMAND_ID, 0, success('first', 1_300));
    expect(onDisk().activeStep).toBeUndefined();
    expect(onDisk().steps).toEqual([success('first', 1_300)]);
    const steps = [success('first', 1_300), success('second', 1_400), success('third', 1_500)];
    journal.finish(COMMAND_ID, 'Success', steps, 1_600);
    expect(onDisk()).toMatchObject({ state: 'finished', outcome: 'Success', steps, finishedAt: 1_600 });
    expect(journal.unfinishedIds()).toEqual([COMMAND_ID]);
  });

  it('moves an acknowledged entry to done/ and keeps its result', () => {
    const journal = Journal.open(dir);
    journal.tryAccept(invocation(), 1_000);
    journal.markRunning(COMMAND_ID, 1_100);
    journal.finish(COMMAND_ID, 'Success', [success('first', 1_200)], 1_300);
    expect(journal.acknowledge(COMMAND_ID, 1_400)).toBe(true);
    expect(existsSync(join(dir, `${COMMAND_ID}.json`))).toBe(false);
    expect(journal.get(COMMAND_ID)).toBeUndefined();
    expect(journal.unfinishedIds()).toEqual([]);
    expect(journal.readAcknowledged(COMMAND_ID)).toMatchObject({
      state: 'acknowledged',
      outcome: 'Success',
      acknowledgedAt: 1_400,
    });
  });

  it('does not accept an acknowledged command again', () => {
    const journal = Journal.open(dir);
    journal.tryAccept(invocation(), 1_000);
    journal.markRunning(COMMAND_ID, 1_100);
    journal.finish(COMMAND_ID, 'Success', [], 1_300);
    journal.acknowledge(COMMAND_ID, 1_400);
    expect(journal.tryAccept(invocation(), 1_500)).toBe(false);
    expect(Journal.open(dir).tryAccept(invocation(), 1_600)).toBe(false);
  });

  it('acknowledges only finished commands', () => {
    const journal = Journal.open(dir);
    journal.tryAccept(invocation(), 1_000);
    expect(journal.acknowledge(COMMAND_ID, 1_100)).toBe(false);
    journal.markRunning(COMMAND_ID, 1_100);
    expect(journal.acknowledge(COMMAND_ID, 1_200)).toBe(false);
    expect(journal.acknowledge(OTHER_ID, 1_200)).toBe(false);
    expect(onDisk().state).toBe('running');
  });

  it('loads every live entry in its state when reopened', () => {
    const journal = Journal.open(dir);
    journal.tryAccept(invocation(), 1_000);
    journal.tryAccept(invocation(OTHER_ID), 2_000);
    journal.markRunning(OTHER_ID, 2_100);
    const reopened = Journal.open(dir);
    expect(reopened.list().map((entry) => [entry.commandId, entry.state])).toEqual([
      [COMMAND_ID, 'accepted'],
      [OTHER_ID, 'running'],
    ]);
  });

  it('discards a live file left next to its done copy by a crash during the acknowledgement', () => {
    const journal = Journal.open(dir);
    journal.tryAccept(invocation(), 1_000);
    journal.markRunning(COMMAND_ID, 1_100);
    journal.finish(COMMAND_ID, 'Success', [], 1_200);
    const live = readFileSync(join(dir, `${COMMAND_ID}.json`));
    journal.acknowledge(COMMAND_ID, 1_300);
    writeFileSync(join(dir, `${COMMAND_ID}.json`), live);
    const reopened = Journal.open(dir);
    expect(reopened.get(COMMAND_ID)).toBeUndefined();
    expect(existsSync(join(dir, `${COMMAND_ID}.json`))).toBe(false);
  });

  it('removes temporary files of interrupted writes and sets unreadable entries aside', () => {
    Journal.open(dir);
    writeFileSync(join(dir, `.${COMMAND_ID}.json.abc.tmp`), '{"half":');
    writeFileSync(join(dir, `${OTHER_ID}.json`), 'not json');
    const journal = Journal.open(dir);
    expect(journal.list()).toEqual([]);
    expect(journal.loadProblems).toHaveLength(1);
    expect(readdirSync(dir).sort()).toEqual([`${OTHER_ID}.json.unreadable`, 'done']);
  });

  it('prunes acknowledged entries older than the retention and keeps the others', () => {
    const journal = Journal.open(dir);
    for (const [id, at] of [
      [COMMAND_ID, 1_000],
      [OTHER_ID, 5_000],
    ] as const) {
      journal.tryAccept(invocation(id), at);
      journal.markRunning(id, at);
      journal.finish(id, 'Success', [], at);
      journal.acknowledge(id, at);
    }
    expect(journal.pruneAcknowledged(8_000, 5_000)).toBe(1);
    expect(journal.readAcknowledged(COMMAND_ID)).toBeUndefined();
    expect(journal.readAcknowledged(OTHER_ID)).toBeDefined();
  });
});

describe('interrupted invocations', () => {
  it('keeps finished steps and fails the running and the unstarted ones with responseCode -1', () => {
    const journal = Journal.open(dir);
    journal.tryAccept(invocation(), 1_000);
    journal.markRunning(COMMAND_ID, 1_100);
    journal.recordStepStarted(COMMAND_ID, 0, 1_200);
    journal.recordStepFinished(COMMAND_ID, 0, success('first', 1_200));
    const entry = journal.recordStepStarted(COMMAND_ID, 1, 1_300);
    const result = interruptedResult(entry, 9_000);
    expect(result.outcome).toBe('Failed');
    expect(result.steps).toEqual([
      success('first', 1_200),
      {
        name: 'second',
        action: 'aws:runShellScript',
        outcome: 'Failed',
        responseCode: -1,
        startedAt: 1_300,
        endedAt: 9_000,
        stdout: '',
        stderr: INTERRUPTED_STEP_MESSAGE,
      },
      {
        name: 'third',
        action: 'aws:runShellScript',
        outcome: 'Failed',
        responseCode: -1,
        stdout: '',
        stderr: NOT_STARTED_STEP_MESSAGE,
      },
    ]);
    expect(INTERRUPTED_STEP_MESSAGE).toBe(
      'the agent stopped while this step ran (crash or restart); it was not run again',
    );
  });

  it('adds a note to the interrupted step when its leftover processes were killed', () => {
    const journal = Journal.open(dir);
    journal.tryAccept(invocation(), 1_000);
    journal.markRunning(COMMAND_ID, 1_100);
    const entry = journal.recordStepStarted(COMMAND_ID, 0, 1_200);
    const result = interruptedResult(entry, 2_000, 'Its leftover processes were killed.');
    expect(result.steps[0]!.stderr).toBe(`${INTERRUPTED_STEP_MESSAGE}. Its leftover processes were killed.`);
  });
});
