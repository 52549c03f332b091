/**
 * Time-zone rules for one IANA zone: instant → wall clock, and wall clock → instant with
 * java.time's resolution of DST gaps and overlaps (AWS evaluates schedules on java.time, so we
 * reproduce its choices).
 *
 * Wall-clock times are handled as "wall milliseconds": the local date and time encoded as if it
 * were UTC (`Date.UTC(year, month - 1, day, hour, minute, second)`). Calendar arithmetic on them
 * (add a day, next second) is plain integer arithmetic with no zone involved.
 *
 * Resolving a wall-clock time to an instant (`resolve`):
 * - Normal: exactly one offset is valid; instant = wall − offset.
 * - Gap (spring forward, the wall time does not exist): the time is moved later by the length of
 *   the gap, which is the same as reading it with the offset in force *before* the transition.
 *   New York 2024-03-10 02:30 → 03:30 EDT (07:30Z). The result is flagged `isInGap`, because such
 *   an instant is later than the real wall times that follow the gap (03:00 EDT < "02:30").
 * - Overlap (fall back, the wall time happens twice): the earlier instant, i.e. the offset in force
 *   before the transition. New York 2024-11-03 01:30 → 01:30 EDT (05:30Z), never 01:30 EST.
 *
 * Offsets come from Luxon (which reads the runtime's ICU tz data). A Luxon offset lookup costs
 * about 10 µs, too slow for `NextExecutionTime` on every API read, so offsets are memoised per UTC
 * day: each day stores its opening offset and, if the offset changes during that day, the instant
 * of the change (found once by bisection) and the new offset. This assumes at most one offset
 * change per UTC day, which holds for every zone in the tz database since 1970.
 */
import { FixedOffsetZone, IANAZone, type Zone } from 'luxon';

export const DAY_MS = 86_400_000;
const SECOND_MS = 1_000;
/** Bound on the memo so a long-running server cannot grow it without limit. */
const MAX_CACHED_DAYS = 20_000;

/** The instant a wall-clock time resolves to. */
export interface WallClockResolution {
  readonly instantMs: number;
  /** The wall time fell in a spring-forward gap and was moved later by `gapMs`. */
  readonly isInGap: boolean;
  /** Length of the gap when `isInGap`, else 0. */
  readonly gapMs: number;
}

/** Offsets in force during one UTC day. */
interface DayOffsets {
  readonly openingOffsetMs: number;
  /** First instant with `closingOffsetMs`; `Infinity` when the offset is constant all day. */
  readonly changeAtMs: number;
  readonly closingOffsetMs: number;
}

const UTC_ALIASES = new Set([
  'utc',
  'etc/utc',
  'uct',
  'etc/uct',
  'gmt',
  'etc/gmt',
  'gmt0',
  'etc/gmt0',
  'gmt+0',
  'etc/gmt+0',
  'gmt-0',
  'etc/gmt-0',
  'greenwich',
  'etc/greenwich',
  'universal',
  'etc/universal',
  'zulu',
  'etc/zulu',
]);

/** True for the names that denote UTC itself (they render with `Z`, §3.8). */
export function isUtcZoneName(name: string): boolean {
  return UTC_ALIASES.has(name.toLowerCase());
}

const rulesByZoneName = new Map<string, ZoneRules>();

export class ZoneRules {
  private readonly days = new Map<number, DayOffsets>();

  private constructor(
    readonly name: string,
    /** `undefined` for UTC, which needs no lookups at all. */
    private readonly zone: Zone | undefined,
  ) {}

  /**
   * Rules for a zone name (any case). Callers validate the name first (`canonicalTimezone`);
   * an unknown name here is a bug, so it throws a plain Error.
   */
  static for(name: string): ZoneRules {
    let rules = rulesByZoneName.get(name);
    if (rules === undefined) {
      if (isUtcZoneName(name)) {
        rules = new ZoneRules(name, undefined);
      } else {
        const zone = IANAZone.create(name);
        if (!zone.isValid) {
          throw new Error(`Unknown time zone ${name}`);
        }
        rules = new ZoneRules(name, zone);
      }
      rulesByZoneName.set(name, rules);
    }
    return rules;
  }

  /** Offset from UTC in force at an instant, in milliseconds (east positive). */
  offsetMs(instantMs: number): number {
    if (this.zone === undefined) {
      return 0;
    }
    const day = Math.floor(instantMs / DAY_MS);
    const offsets = this.days.get(day) ?? this.memoiseDay(day);
    return instantMs < offsets.changeAtMs ? offsets.openingOffsetMs : offsets.closingOffsetMs;
  }

  /** Wall-clock time (wall ms) at an instant. */
  wallClockOf(instantMs: number): number {
    return instantMs + this.offsetMs(instantMs);
  }

  /** The instant a wall-clock time denotes, resolving gaps and overlaps as java.time does. */
  resolve(wallMs: number): WallClockResolution {
    // A day either side of the wall time as an instant is always outside any transition that
    // could affect it (offsets are under 24 h), so these are the offsets before and after.
    const before = this.offsetMs(wallMs - DAY_MS);
    const after = this.offsetMs(wallMs + DAY_MS);
    if (before === after && this.offsetMs(wallMs - before) === before) {
      return { instantMs: wallMs - before, isInGap: false, gapMs: 0 };
    }
    const isBeforeValid = this.offsetMs(wallMs - before) === before;
    const isAfterValid = this.offsetMs(wallMs - after) === after;
    if (isBeforeValid && isAfterValid) {
      // Overlap: both readings exist; the earlier instant uses the larger offset.
      return { instantMs: wallMs - Math.max(before, after), isInGap: false, gapMs: 0 };
    }
    if (isBeforeValid || isAfterValid) {
      return { instantMs: wallMs - (isBeforeValid ? before : after), isInGap: false, gapMs: 0 };
    }
    // Gap: read with the offset before the transition, i.e. shift later by the gap length.
    return { instantMs: wallMs - before, isInGap: true, gapMs: Math.abs(after - before) };
  }

  /**
   * Length of a spring-forward gap whose transition lies in (instant − gap, instant], else 0.
   *
   * Right after such a gap, wall times just *before* the current wall time (inside the gap)
   * resolve to instants *after* the current instant, so a search for the next run must start
   * that much earlier on the wall clock.
   */
  recentGapMs(instantMs: number): number {
    const now = this.offsetMs(instantMs);
    const dayBefore = this.offsetMs(instantMs - DAY_MS);
    if (dayBefore >= now) {
      return 0;
    }
    const gapMs = now - dayBefore;
    return this.offsetMs(instantMs - gapMs) < now ? gapMs : 0;
  }

  private memoiseDay(day: number): DayOffsets {
    const startMs = day * DAY_MS;
    const openingOffsetMs = this.lookUpOffsetMs(startMs);
    const closingOffsetMs = this.lookUpOffsetMs(startMs + DAY_MS - 1);
    const offsets: DayOffsets =
      openingOffsetMs === closingOffsetMs
        ? { openingOffsetMs, changeAtMs: Infinity, closingOffsetMs }
        : { openingOffsetMs, changeAtMs: this.findChangeMs(startMs, openingOffsetMs), closingOffsetMs };
    if (this.days.size >= MAX_CACHED_DAYS) {
      this.days.clear();
    }
    this.days.set(day, offsets);
    return offsets;
  }

  /** Bisects, to the second, for the first instant of the day whose offset differs from the opening one. */
  private findChangeMs(dayStartMs: number, openingOffsetMs: number): number {
    let lowSecond = dayStartMs / SECOND_MS; // offset here is the opening offset
    let highSecond = (dayStartMs + DAY_MS) / SECOND_MS - 1; // offset here differs
    while (highSecond - lowSecond > 1) {
      const middle = Math.floor((lowSecond + highSecond) / 2);
      if (this.lookUpOffsetMs(middle * SECOND_MS) === openingOffsetMs) {
        lowSecond = middle;
      } else {
        highSecond = middle;
      }
    }
    return highSecond * SECOND_MS;
  }

  private lookUpOffsetMs(instantMs: number): number {
    // Luxon reports minutes; historical offsets can carry seconds, so round to whole ms.
    return Math.round((this.zone ?? FixedOffsetZone.utcInstance).offset(instantMs) * 60_000);
  }
}
