import { describe, expect, it } from 'vitest';
import { commandHrefOf, parseCommandRoute, type CommandRoute } from './command-routes.js';

function parse(hash: string) {
  return parseCommandRoute(hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent));
}

describe('Run Command routes', () => {
  it('reads back every route from its href', () => {
    const routes: CommandRoute[] = [
      { page: 'commands' },
      { page: 'run-command' },
      { page: 'command', commandId: '0b6f3c1e-6a4f-4d1c-9c2e-000000000001' },
    ];
    for (const route of routes) {
      expect(parse(commandHrefOf(route))).toEqual(route);
    }
  });

  it('leaves other hashes to the other routers', () => {
    expect(parse('#/windows')).toBeUndefined();
    expect(parse('')).toBeUndefined();
  });
});
