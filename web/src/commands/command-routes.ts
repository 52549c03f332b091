/**
 * Hash routes of the Run Command pages (joined into router.ts):
 *
 * | Hash                          | Page |
 * | ----------------------------- | ---- |
 * | `#/run-command`               | recent commands |
 * | `#/run-command/send`          | run a command |
 * | `#/run-command/<commandId>`   | one command: progress and each node's output |
 */
export type CommandRoute =
  | { readonly page: 'commands' }
  | { readonly page: 'run-command' }
  | { readonly page: 'command'; readonly commandId: string };

/** The route for the hash's decoded parts, or undefined when they are not a Run Command page. */
export function parseCommandRoute(parts: readonly string[]): CommandRoute | undefined {
  if (parts[0] !== 'run-command') {
    return undefined;
  }
  if (parts[1] === undefined) {
    return { page: 'commands' };
  }
  return parts[1] === 'send' ? { page: 'run-command' } : { page: 'command', commandId: parts[1] };
}

export function commandHrefOf(route: CommandRoute): string {
  switch (route.page) {
    case 'commands':
      return '#/run-command';
    case 'run-command':
      return '#/run-command/send';
    case 'command':
      return `#/run-command/${encodeURIComponent(route.commandId)}`;
  }
}
