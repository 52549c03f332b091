import { describe, expect, it } from 'vitest';
import { fleetHrefOf, parseFleetRoute, type FleetRoute } from './fleet-routes.js';

function parts(hash: string): string[] {
  return hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
}

describe('fleet routes', () => {
  it('reads back every href', () => {
    const routes: FleetRoute[] = [
      { page: 'managed-nodes' },
      { page: 'managed-node', instanceId: 'mi-0123456789abcdef0' },
      { page: 'activations' },
      { page: 'create-activation' },
      { page: 'documents' },
      { page: 'document', name: 'AWS-RunShellScript' },
      { page: 'document', name: 'odd/name with space' },
    ];
    for (const route of routes) {
      expect(parseFleetRoute(parts(fleetHrefOf(route)))).toEqual(route);
    }
  });

  it('leaves other hashes to the window routes', () => {
    expect(parseFleetRoute(parts('#/windows/mw-0123'))).toBeUndefined();
    expect(parseFleetRoute([])).toBeUndefined();
  });
});
