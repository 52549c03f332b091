/**
 * Tells the server what this node has installed: the whole inventory right after each welcome
 * (so the server catches up on changes made while it was unreachable), and again after every
 * change. A report that cannot be sent (no connection) is not queued: the next welcome sends the
 * then current inventory.
 */
import type { Clock } from '../shared/clock.js';
import type { ServerMessage } from '../protocol/agent-protocol.js';
import type { InstalledPackages } from './installed-packages.js';
import type { SendFrame, SessionChannel } from './session-channel.js';

export class InventoryReporter implements SessionChannel {
  private send: SendFrame | undefined;

  constructor(
    private readonly installed: InstalledPackages,
    private readonly clock: Clock,
  ) {}

  attach(send: SendFrame): void {
    this.send = send;
    this.changed();
  }

  detach(): void {
    this.send = undefined;
  }

  handle(_message: ServerMessage): boolean {
    return false;
  }

  /** The inventory changed (or a connection was welcomed): report it if connected. */
  changed(): void {
    const inventory = this.installed.inventory(this.clock.now().getTime());
    this.send?.({
      type: 'inventory',
      capturedAt: inventory.capturedAt,
      applications: inventory.applications.map((application) => ({ ...application })),
    });
  }
}
