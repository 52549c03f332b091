/**
 * Keeps a `result` frame under the protocol's frame limit. Each step already keeps at most
 * 1 MiB per stream, but 100 steps could still add up past `MAX_FRAME_BYTES`; then every stream is
 * cut to a shrinking per-stream budget (the start is kept, as SSM keeps it) until the frame fits.
 */
import { MAX_FRAME_BYTES, type StepResult } from '../protocol/agent-protocol.js';

/** Room left for the frame's other fields (type, commandId, outcome, names, codes, times). */
const ENVELOPE_BYTES = 64 * 1024;

function cut(text: string, maxChars: number): string {
  if (text.length <= maxChars) {
    return text;
  }
  return `${text.slice(0, maxChars)}\n---Output truncated to fit the result message (${text.length} characters)---\n`;
}

/** The steps, their outputs shortened if needed so that their JSON stays under `maxBytes`. */
export function fitStepsToFrame(steps: readonly StepResult[], maxBytes: number = MAX_FRAME_BYTES): StepResult[] {
  const budget = maxBytes - ENVELOPE_BYTES;
  const size = (list: readonly StepResult[]) => Buffer.byteLength(JSON.stringify(list), 'utf8');
  if (size(steps) <= budget) {
    return [...steps];
  }
  const streams = Math.max(1, steps.length * 2);
  // Start from an even share; escaping and multi-byte characters may need further halving.
  let perStream = Math.floor(budget / streams);
  let fitted = steps.map((step) => ({
    ...step,
    stdout: cut(step.stdout, perStream),
    stderr: cut(step.stderr, perStream),
  }));
  while (size(fitted) > budget && perStream > 0) {
    perStream = Math.floor(perStream / 2);
    fitted = steps.map((step) => ({
      ...step,
      stdout: cut(step.stdout, perStream),
      stderr: cut(step.stderr, perStream),
    }));
  }
  return fitted;
}
