/**
 * Managed nodes (spec §9.1-§9.3): servers running `mado agent`, registered through an
 * activation, identified as `mi-` + 17 hex digits, authenticated by their key pair.
 */

export type PlatformType = 'Linux' | 'Windows' | 'MacOS';
export type PingStatus = 'Online' | 'ConnectionLost';

/** What the agent reports about its host, at registration and on every connection. */
export interface NodeFacts {
  readonly agentVersion: string;
  readonly platformType: PlatformType;
  readonly platformName: string;
  readonly platformVersion: string;
  readonly architecture: string;
  readonly computerName: string;
  readonly ipAddresses: readonly string[];
}

export interface ManagedNode {
  readonly instanceId: string;
  readonly activationId: string;
  readonly name?: string;
  readonly iamRole: string;
  /** Ed25519 public key (SPKI, base64 DER); the node proves possession of its private key. */
  readonly publicKey: string;
  readonly registeredAt: number;
  readonly facts?: NodeFacts;
  readonly lastPingAt?: number;
  readonly deregisteredAt?: number;
}

/** Online while the last heartbeat is younger than `thresholdMs` (spec §9.2: 2× the interval). */
export function pingStatus(node: ManagedNode, now: number, thresholdMs: number): PingStatus {
  return node.lastPingAt !== undefined && now - node.lastPingAt <= thresholdMs ? 'Online' : 'ConnectionLost';
}

/** Platform of an OS as Node names it (`process.platform`). */
export function platformTypeOf(nodePlatform: string): PlatformType {
  switch (nodePlatform) {
    case 'win32':
      return 'Windows';
    case 'darwin':
      return 'MacOS';
    default:
      return 'Linux';
  }
}
