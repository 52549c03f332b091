/**
 * Hash routes of the Node Management and Shared Resources pages (merged into router.ts's Route):
 *
 * | Hash                          | Page |
 * | ----------------------------- | ---- |
 * | `#/managed-nodes`             | managed nodes list |
 * | `#/managed-nodes/<id>`        | one managed node |
 * | `#/activations`               | hybrid activations |
 * | `#/activations/create`        | create activation (then the register command) |
 * | `#/documents`                 | documents list |
 * | `#/documents/<name>`          | one document |
 */
export type FleetRoute =
  | { readonly page: 'managed-nodes' }
  | { readonly page: 'managed-node'; readonly instanceId: string }
  | { readonly page: 'activations' }
  | { readonly page: 'create-activation' }
  | { readonly page: 'documents' }
  | { readonly page: 'document'; readonly name: string };

/** The route for the hash's decoded parts, or undefined when they are not a fleet page. */
export function parseFleetRoute(parts: readonly string[]): FleetRoute | undefined {
  switch (parts[0]) {
    case 'managed-nodes':
      return parts[1] === undefined ? { page: 'managed-nodes' } : { page: 'managed-node', instanceId: parts[1] };
    case 'activations':
      return parts[1] === 'create' ? { page: 'create-activation' } : { page: 'activations' };
    case 'documents':
      return parts[1] === undefined ? { page: 'documents' } : { page: 'document', name: parts[1] };
    default:
      return undefined;
  }
}

export function fleetHrefOf(route: FleetRoute): string {
  switch (route.page) {
    case 'managed-nodes':
      return '#/managed-nodes';
    case 'managed-node':
      return `#/managed-nodes/${encodeURIComponent(route.instanceId)}`;
    case 'activations':
      return '#/activations';
    case 'create-activation':
      return '#/activations/create';
    case 'documents':
      return '#/documents';
    case 'document':
      return `#/documents/${encodeURIComponent(route.name)}`;
  }
}
