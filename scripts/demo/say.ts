/**
 * The demo's voice: numbered steps, then lines under them, events stamped with the wall-clock
 * time in the window's time zone. Plain text on stdout (no colours, no cursor tricks), so the
 * output reads the same in a terminal, a CI log and a test.
 */
export class Narrator {
  private steps = 0;
  private readonly clock: Intl.DateTimeFormat;
  private readonly preciseClock: Intl.DateTimeFormat;

  constructor(readonly timeZone: string) {
    this.clock = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    this.preciseClock = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      fractionalSecondDigits: 1,
      hourCycle: 'h23',
    });
  }

  step(title: string): void {
    this.steps += 1;
    console.log(`\n${this.steps}. ${title}`);
  }

  line(text: string): void {
    console.log(`   ${text}`);
  }

  /** A line stamped with the time it happened (now, unless `at` is given), to a tenth of a second. */
  event(text: string, at: Date = new Date()): void {
    console.log(`   ${this.preciseClock.format(at)}  ${text}`);
  }

  /** Rows padded into columns. */
  table(rows: readonly (readonly string[])[]): void {
    const widths = rows.reduce<number[]>(
      (max, row) => row.map((cell, index) => Math.max(max[index] ?? 0, cell.length)),
      [],
    );
    for (const row of rows) {
      this.line(
        row
          .map((cell, index) => (index === row.length - 1 ? cell : cell.padEnd(widths[index]!)))
          .join('  ')
          .trimEnd(),
      );
    }
  }

  /** `HH:MM:SS` in the narrator's time zone. */
  time(at: Date): string {
    return this.clock.format(at);
  }
}

/** `1 min 32 s`, `45 s`. */
export function duration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  return seconds < 60 ? `${seconds} s` : `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}
