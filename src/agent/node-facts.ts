/**
 * What the agent reports about its host (spec §9.1): agent version, platform type/name/version,
 * architecture, host name, IP addresses. Sent at registration and in every hello.
 *
 * Platform name and version follow what SSM shows: on Linux, `NAME` and `VERSION_ID` from
 * /etc/os-release ("Ubuntu", "22.04"); on macOS, "macOS" and `sw_vers -productVersion`; on
 * Windows, the product name and build from Node's `os.version()` / `os.release()`.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as os from 'node:os';
import type { NetworkInterfaceInfo } from 'node:os';
import { platformTypeOf, type NodeFacts } from '../domain/managed-node.js';
import { AGENT_VERSION } from './version.js';

/** Parses os-release(5): `KEY=value` lines, values optionally quoted with shell escapes. */
export function parseOsRelease(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const rawLine of text.split('\n')) {
    const line = rawLine.trim();
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line);
    if (match === null) {
      continue;
    }
    let value = match[2]!;
    const quote = value[0];
    if ((quote === '"' || quote === "'") && value.endsWith(quote) && value.length >= 2) {
      value = value.slice(1, -1);
      if (quote === '"') {
        value = value.replace(/\\([\\$"`])/g, '$1');
      }
    }
    fields[match[1]!] = value;
  }
  return fields;
}

/** Node's `os.arch()` in the words `uname -m` and SSM use. */
export function architectureName(nodeArch: string): string {
  switch (nodeArch) {
    case 'x64':
      return 'x86_64';
    case 'ia32':
      return 'i386';
    default:
      return nodeArch;
  }
}

/** Non-internal addresses, IPv4 first, as the server's facts schema allows (≤ 64). */
export function externalAddresses(interfaces: NodeJS.Dict<NetworkInterfaceInfo[]>): string[] {
  const all = Object.values(interfaces).flatMap((list) => list ?? []);
  const external = all.filter((info) => !info.internal);
  const ordered = [
    ...external.filter((info) => info.family === 'IPv4'),
    ...external.filter((info) => info.family === 'IPv6'),
  ];
  return [...new Set(ordered.map((info) => info.address))].slice(0, 64);
}

function clip(text: string, max: number): string {
  return text.length > max ? text.slice(0, max) : text;
}

function readOsRelease(): Record<string, string> {
  for (const path of ['/etc/os-release', '/usr/lib/os-release']) {
    try {
      return parseOsRelease(readFileSync(path, 'utf8'));
    } catch {
      // Try the next location; a system without os-release falls back to the kernel release.
    }
  }
  return {};
}

function platformNameAndVersion(platform: NodeJS.Platform): { name: string; version: string } {
  switch (platform) {
    case 'linux': {
      const release = readOsRelease();
      return {
        name: release.NAME ?? release.PRETTY_NAME ?? 'Linux',
        version: release.VERSION_ID ?? os.release(),
      };
    }
    case 'darwin': {
      let version = os.release();
      try {
        version = execFileSync('sw_vers', ['-productVersion'], { encoding: 'utf8', timeout: 5_000 }).trim();
      } catch {
        // Keep the Darwin kernel version when sw_vers is unavailable.
      }
      return { name: 'macOS', version };
    }
    case 'win32':
      return { name: os.version(), version: os.release() };
    default:
      return { name: os.type(), version: os.release() };
  }
}

/** The facts as the protocol's message types want them (mutable arrays). */
export function wireFacts(facts: NodeFacts): NodeFacts & { ipAddresses: string[] } {
  return { ...facts, ipAddresses: [...facts.ipAddresses] };
}

/** Collects the facts of the host this process runs on. */
export function collectNodeFacts(): NodeFacts {
  const { name, version } = platformNameAndVersion(process.platform);
  return {
    agentVersion: AGENT_VERSION,
    platformType: platformTypeOf(process.platform),
    platformName: clip(name, 255),
    platformVersion: clip(version, 255),
    architecture: clip(architectureName(os.arch()), 64),
    computerName: clip(os.hostname() || 'localhost', 255),
    ipAddresses: externalAddresses(os.networkInterfaces()),
  };
}
