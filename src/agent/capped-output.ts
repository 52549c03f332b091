/**
 * Collects one output stream of a step, keeping at most `maxBytes` in memory (the first bytes,
 * as SSM keeps the start of the output) and counting the rest, so a runaway script cannot
 * exhaust the agent's memory.
 */
export class CappedOutput {
  private readonly chunks: Buffer[] = [];
  private keptBytes = 0;
  private totalBytes = 0;

  constructor(private readonly maxBytes: number) {}

  push(chunk: Buffer): void {
    this.totalBytes += chunk.length;
    const room = this.maxBytes - this.keptBytes;
    if (room <= 0) {
      return;
    }
    const kept = chunk.length <= room ? chunk : chunk.subarray(0, room);
    this.chunks.push(kept);
    this.keptBytes += kept.length;
  }

  /** Bytes kept so far: grows whenever `text()` gains output. */
  get keptLength(): number {
    return this.keptBytes;
  }

  get isTruncated(): boolean {
    return this.totalBytes > this.keptBytes;
  }

  /** The kept text, with a closing note when bytes were dropped. */
  text(): string {
    return cappedText(Buffer.concat(this.chunks), this.totalBytes);
  }
}

/** Kept bytes as text, with the closing note when `totalBytes` says some were dropped. */
export function cappedText(kept: Buffer, totalBytes: number): string {
  const text = kept.toString('utf8');
  if (totalBytes <= kept.length) {
    return text;
  }
  return `${text}\n---Output truncated: the agent kept the first ${kept.length} of ${totalBytes} bytes---\n`;
}

/** A running step's output so far (for `progress` frames while the step runs). */
export interface LiveOutput {
  /** Changes whenever the kept text changes (bytes kept, or the stream was cut). */
  version(): number;
  stdout(): string;
  stderr(): string;
}

export function liveOutputOf(stdout: CappedOutput, stderr: CappedOutput): LiveOutput {
  return {
    version: () => stdout.keptLength + stderr.keptLength + (stdout.isTruncated ? 1 : 0) + (stderr.isTruncated ? 2 : 0),
    stdout: () => stdout.text(),
    stderr: () => stderr.text(),
  };
}
