import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { FakeClock } from '../shared/fake-clock.js';
import { NodeOutbox, type OutboxLimits } from './node-outbox.js';

const LIMITS: OutboxLimits = {
  sendHighWaterBytes: 100,
  sendMaxBytes: 1000,
  sendStallMs: 60_000,
  maxRequestsPerNode: 2,
};

/** A WebSocket stand-in: `send` queues the frame's bytes; the test drains them. */
class QueueingSocket {
  readonly OPEN = 1;
  readyState = 1;
  bufferedAmount = 0;
  readonly sent: string[] = [];

  send(text: string): void {
    this.sent.push(text);
    this.bufferedAmount += Buffer.byteLength(text);
  }
}

/** Lets queued promise callbacks run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

function outbox(limits: OutboxLimits = LIMITS) {
  const socket = new QueueingSocket();
  const raw = new EventEmitter();
  const clock = new FakeClock();
  const stuck: { reason: string; bufferedBytes: number }[] = [];
  const box = new NodeOutbox(
    socket as unknown as WebSocket,
    raw as unknown as Duplex,
    limits,
    clock,
    (reason, bufferedBytes) => stuck.push({ reason, bufferedBytes }),
  );
  /** The node reads everything but `leave` bytes. */
  const drain = (leave = 0) => {
    socket.bufferedAmount = leave;
    raw.emit('drain');
  };
  return { socket, raw, clock, stuck, box, drain };
}

describe('NodeOutbox', () => {
  it('sends frames while the connection is open and refuses them once closed', () => {
    const { socket, box } = outbox();
    expect(box.send('one')).toBe(true);
    box.close();
    expect(box.send('two')).toBe(false);
    expect(socket.sent).toEqual(['one']);
  });

  it('refuses frames once the TCP socket has closed', () => {
    const { socket, raw, box } = outbox();
    raw.emit('close');
    expect(box.send('late')).toBe(false);
    expect(socket.sent).toEqual([]);
  });

  it('reports the node stuck, once, when more than sendMaxBytes are queued', () => {
    const { stuck, box } = outbox();
    box.send('x'.repeat(1001));
    box.send('y');
    expect(stuck).toEqual([{ reason: 'more than 1000 bytes queued for the node', bufferedBytes: 1001 }]);
    expect(box.send('z')).toBe(false);
  });

  it('answers a request only once the queue is at or below the high-water mark', async () => {
    const { socket, box, drain } = outbox();
    box.send('x'.repeat(150));
    let asked = 0;
    expect(
      box.serve(async () => {
        asked += 1;
        return 'answer';
      }),
    ).toBe(true);
    await settle();
    expect(asked).toBe(0);
    drain(120);
    await settle();
    expect(asked).toBe(0);
    drain(100);
    await settle();
    expect(asked).toBe(1);
    expect(socket.sent.at(-1)).toBe('answer');
  });

  it('answers requests one at a time in arrival order', async () => {
    const { socket, box } = outbox({ ...LIMITS, sendHighWaterBytes: 1_000_000 });
    const order: string[] = [];
    let releaseFirst!: () => void;
    box.serve(async () => {
      await new Promise<void>((resolve) => (releaseFirst = resolve));
      order.push('first');
      return 'first';
    });
    box.serve(async () => {
      order.push('second');
      return 'second';
    });
    await settle();
    expect(order).toEqual([]);
    releaseFirst();
    await settle();
    await settle();
    expect(order).toEqual(['first', 'second']);
    expect(socket.sent).toEqual(['first', 'second']);
  });

  it('refuses requests past maxRequestsPerNode outstanding and takes more once one is answered', async () => {
    const { box, drain } = outbox();
    box.send('x'.repeat(150));
    expect(box.serve(async () => 'a')).toBe(true);
    expect(box.serve(async () => 'b')).toBe(true);
    expect(box.serve(async () => 'c')).toBe(false);
    expect(box.outstandingCount).toBe(2);
    drain(0);
    await settle();
    await settle();
    expect(box.outstandingCount).toBe(0);
    expect(box.serve(async () => 'd')).toBe(true);
  });

  it('wakes waiting answers at close and sends nothing for them', async () => {
    const { socket, box } = outbox();
    box.send('x'.repeat(150));
    let asked = false;
    box.serve(async () => {
      asked = true;
      return 'never';
    });
    box.close();
    await settle();
    await settle();
    expect(asked).toBe(false);
    expect(socket.sent).toEqual(['x'.repeat(150)]);
    expect(box.outstandingCount).toBe(0);
  });

  it('disconnects a node whose queue stays above the high-water mark without shrinking for sendStallMs', async () => {
    const { clock, stuck, box } = outbox();
    box.send('x'.repeat(150));
    await clock.advance(59_999);
    expect(stuck).toEqual([]);
    await clock.advance(1);
    expect(stuck).toEqual([
      { reason: 'the node took in nothing of 150 queued bytes for 60000 ms', bufferedBytes: 150 },
    ]);
  });

  it('keeps a slow node that takes in some data every period, and disconnects it when it stops', async () => {
    const { socket, clock, stuck, box } = outbox();
    box.send('x'.repeat(500));
    socket.bufferedAmount = 400;
    await clock.advance(60_000);
    socket.bufferedAmount = 300;
    await clock.advance(60_000);
    expect(stuck).toEqual([]);
    await clock.advance(60_000);
    expect(stuck).toHaveLength(1);
    expect(stuck[0]?.bufferedBytes).toBe(300);
  });

  it('stops watching once the queue is back under the high-water mark', async () => {
    const { socket, clock, stuck, box } = outbox();
    box.send('x'.repeat(150));
    socket.bufferedAmount = 50;
    await clock.advance(60_000);
    expect(clock.pendingSleepers).toBe(0);
    await clock.advance(600_000);
    expect(stuck).toEqual([]);
  });
});
