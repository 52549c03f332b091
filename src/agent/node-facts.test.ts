import type { NetworkInterfaceInfo } from 'node:os';
import { describe, expect, it } from 'vitest';
import { NodeFactsSchema } from '../protocol/agent-protocol.js';
import { architectureName, collectNodeFacts, externalAddresses, parseOsRelease } from './node-facts.js';

function address(address: string, family: 'IPv4' | 'IPv6', internal = false): NetworkInterfaceInfo {
  const common = { address, netmask: '', mac: '00:00:00:00:00:00', internal, cidr: null };
  return family === 'IPv4' ? { ...common, family } : { ...common, family, scopeid: 0 };
}

describe('node facts', () => {
  it('reads NAME, VERSION_ID and quoted values from os-release', () => {
    const text = [
      'PRETTY_NAME="Ubuntu 22.04.4 LTS"',
      'NAME="Ubuntu"',
      'VERSION_ID="22.04"',
      "ID_LIKE='debian'",
      'ID=ubuntu',
      '# a comment',
      'HOME_URL="https://www.ubuntu.com/\\"quoted\\""',
    ].join('\n');
    expect(parseOsRelease(text)).toEqual({
      PRETTY_NAME: 'Ubuntu 22.04.4 LTS',
      NAME: 'Ubuntu',
      VERSION_ID: '22.04',
      ID_LIKE: 'debian',
      ID: 'ubuntu',
      HOME_URL: 'https://www.ubuntu.com/"quoted"',
    });
  });

  it('names architectures as uname -m does', () => {
    expect(architectureName('x64')).toBe('x86_64');
    expect(architectureName('ia32')).toBe('i386');
    expect(architectureName('arm64')).toBe('arm64');
  });

  it('lists non-internal addresses, IPv4 first, without duplicates', () => {
    expect(
      externalAddresses({
        lo: [address('127.0.0.1', 'IPv4', true), address('::1', 'IPv6', true)],
        eth0: [address('fe80::1', 'IPv6'), address('10.0.0.5', 'IPv4')],
        eth1: [address('192.168.1.9', 'IPv4'), address('10.0.0.5', 'IPv4')],
      }),
    ).toEqual(['10.0.0.5', '192.168.1.9', 'fe80::1']);
  });

  it('collects facts of this host that the protocol accepts', () => {
    const facts = collectNodeFacts();
    expect(NodeFactsSchema.safeParse(facts).success).toBe(true);
    expect(facts.agentVersion).toBe('1.0.0');
    expect(facts.platformType).toBe('Linux');
  });
});
