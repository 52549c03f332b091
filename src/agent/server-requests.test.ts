import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AgentMessage } from '../protocol/agent-protocol.js';
import { FakeClock } from '../shared/fake-clock.js';
import { InstalledPackages } from './installed-packages.js';
import { InventoryReporter } from './inventory-reporter.js';
import { ServerRequestError, ServerRequests } from './server-requests.js';

describe('ServerRequests', () => {
  const ask = (requests: ServerRequests, signal = new AbortController().signal) =>
    requests.request({ type: 'packageRequest', name: 'sample', version: '' }, 'package', { timeoutMs: 60_000, signal });

  it('sends the request and resolves with the answer carrying its request id', async () => {
    const requests = new ServerRequests(new FakeClock());
    const sent: AgentMessage[] = [];
    requests.attach((message) => sent.push(message) > 0);
    const answer = ask(requests);
    const requestId = (sent[0] as { requestId: string }).requestId;
    expect(sent[0]).toEqual({ type: 'packageRequest', name: 'sample', version: '', requestId });
    expect(requests.handle({ type: 'package', requestId: 'someone-else', error: 'x' })).toBe(false);
    expect(
      requests.handle({ type: 'package', requestId, error: 'Package sample is not published on the server.' }),
    ).toBe(true);
    expect(await answer).toEqual({
      type: 'package',
      requestId,
      error: 'Package sample is not published on the server.',
    });
    expect(requests.pendingCount).toBe(0);
  });

  it('sends a pending request again on the next connection', async () => {
    const requests = new ServerRequests(new FakeClock());
    const answer = ask(requests);
    const sent: AgentMessage[] = [];
    requests.attach((message) => sent.push(message) > 0);
    expect(sent).toHaveLength(1);
    requests.detach();
    requests.attach((message) => sent.push(message) > 0);
    expect(sent).toHaveLength(2);
    requests.handle({ type: 'package', requestId: (sent[1] as { requestId: string }).requestId, error: 'x' });
    await expect(answer).resolves.toMatchObject({ error: 'x' });
  });

  it('gives up after its time limit, saying when the agent is not connected', async () => {
    const clock = new FakeClock();
    const requests = new ServerRequests(clock);
    const answer = ask(requests);
    // Handled before time moves, so the rejection is never unhandled for a moment.
    const refused = expect(answer).rejects.toThrow(
      new ServerRequestError('The server did not answer a packageRequest within 60 s (the agent is not connected).'),
    );
    await Promise.resolve();
    await clock.advance(60_000);
    await refused;
    expect(requests.pendingCount).toBe(0);
  });

  it('stops waiting when its signal is aborted', async () => {
    const requests = new ServerRequests(new FakeClock());
    const stop = new AbortController();
    const answer = ask(requests, stop.signal);
    stop.abort('cancel');
    await expect(answer).rejects.toBe('cancel');
  });
});

describe('InventoryReporter', () => {
  let stateDir: string;

  beforeEach(() => {
    stateDir = mkdtempSync(join(tmpdir(), 'mado-inventory-'));
  });

  afterEach(() => {
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('reports the inventory on every welcome and after each change while connected', () => {
    const clock = new FakeClock(Date.UTC(2024, 0, 15));
    const installed = InstalledPackages.open(stateDir, clock.now().getTime());
    const reporter = new InventoryReporter(installed, clock);
    const sent: AgentMessage[] = [];
    reporter.changed();
    reporter.attach((message) => sent.push(message) > 0);
    expect(sent).toEqual([{ type: 'inventory', capturedAt: Date.UTC(2024, 0, 15), applications: [] }]);
    installed.put({
      name: 'sample',
      version: '1.0.0',
      installedAt: 5,
      publisher: 'Tests',
      platform: 'linux/_any/_any',
      architecture: 'x86_64',
      entry: { install: 'i.sh', uninstall: 'u.sh' },
    });
    reporter.changed();
    expect(sent[1]).toMatchObject({
      applications: [{ name: 'sample', version: '1.0.0', installedAt: 5, publisher: 'Tests', architecture: 'x86_64' }],
    });
    reporter.detach();
    reporter.changed();
    expect(sent).toHaveLength(2);
  });

  it('sets an unreadable installed.json aside and starts empty', () => {
    const installed = InstalledPackages.open(stateDir, 1);
    installed.put({
      name: 'sample',
      version: '1.0.0',
      installedAt: 5,
      platform: 'linux/_any/_any',
      architecture: 'x86_64',
      entry: { install: 'i.sh', uninstall: 'u.sh' },
    });
    expect(InstalledPackages.open(stateDir, 2).get('sample')?.version).toBe('1.0.0');
    writeFileSync(join(stateDir, 'packages', 'installed.json'), '{"packages": {"x": 1}}');
    const reopened = InstalledPackages.open(stateDir, 3);
    expect(reopened.list()).toEqual([]);
    expect(reopened.loadProblem).toContain('it was moved to');
    expect(readFileSync(join(stateDir, 'packages', 'installed.json.unreadable-3'), 'utf8')).toContain('"x": 1');
  });
});
