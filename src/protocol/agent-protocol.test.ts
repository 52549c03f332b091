import { describe, expect, it } from 'vitest';
import { parseAgentMessage, parseServerMessage } from './agent-protocol.js';

const deep = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

describe('parsing agent and server frames', () => {
  it('reads a valid heartbeat frame', () => {
    expect(parseAgentMessage('{"type":"heartbeat","at":1}')).toEqual({ type: 'heartbeat', at: 1 });
  });

  it('refuses an agent frame nested deeper than 64 levels before parsing it', () => {
    expect(parseAgentMessage(`{"type":"heartbeat","at":1,"extra":${deep(100_000)}}`)).toBeUndefined();
  });

  it('refuses a server frame nested deeper than 64 levels before parsing it', () => {
    expect(parseServerMessage(`{"type":"heartbeat","at":1,"extra":${deep(100_000)}}`)).toBeUndefined();
  });

  it('refuses text that is not JSON', () => {
    expect(parseAgentMessage('{"type":')).toBeUndefined();
  });
});
