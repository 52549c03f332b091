/**
 * Hash routes, so that the server serves one index.html for every page:
 *
 * | Hash                                   | Page |
 * | -------------------------------------- | ---- |
 * | `#/windows`                            | maintenance windows list |
 * | `#/windows/create`                     | create window |
 * | `#/windows/<id>/<tab>`                 | window details (tab: details, targets, tasks, history, tags) |
 * | `#/windows/<id>/edit`                  | edit window |
 * | `#/windows/<id>/register-target`       | register target |
 * | `#/windows/<id>/register-task`         | register Run Command task |
 * | `#/windows/<id>/targets/<targetId>/edit` | edit a registered target |
 * | `#/windows/<id>/tasks/<taskId>/edit`   | edit a registered task |
 * | `#/windows/<id>/executions/<execId>`   | one execution: its tasks and invocations |
 *
 * and the Managed nodes, Activations and Documents pages (fleet/fleet-routes.ts), and the Run
 * Command pages (commands/command-routes.ts).
 */
import { useEffect, useState } from 'react';
import { commandHrefOf, parseCommandRoute, type CommandRoute } from './commands/command-routes.js';
import { fleetHrefOf, parseFleetRoute, type FleetRoute } from './fleet/fleet-routes.js';

export type Route =
  | FleetRoute
  | CommandRoute
  | { readonly page: 'windows' }
  | { readonly page: 'create-window' }
  | { readonly page: 'window'; readonly windowId: string; readonly tab: string }
  | { readonly page: 'edit-window'; readonly windowId: string }
  | { readonly page: 'register-target'; readonly windowId: string }
  | { readonly page: 'register-task'; readonly windowId: string }
  | { readonly page: 'edit-target'; readonly windowId: string; readonly windowTargetId: string }
  | { readonly page: 'edit-task'; readonly windowId: string; readonly windowTaskId: string }
  | { readonly page: 'execution'; readonly windowId: string; readonly executionId: string };

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  const fleetRoute = parseFleetRoute(parts);
  if (fleetRoute !== undefined) {
    return fleetRoute;
  }
  const commandRoute = parseCommandRoute(parts);
  if (commandRoute !== undefined) {
    return commandRoute;
  }
  if (parts[0] !== 'windows' || parts.length === 1) {
    return { page: 'windows' };
  }
  if (parts[1] === 'create') {
    return { page: 'create-window' };
  }
  const windowId = parts[1]!;
  if (parts[2] === 'targets' && parts[3] !== undefined && parts[4] === 'edit') {
    return { page: 'edit-target', windowId, windowTargetId: parts[3] };
  }
  if (parts[2] === 'tasks' && parts[3] !== undefined && parts[4] === 'edit') {
    return { page: 'edit-task', windowId, windowTaskId: parts[3] };
  }
  switch (parts[2]) {
    case 'edit':
      return { page: 'edit-window', windowId };
    case 'register-target':
      return { page: 'register-target', windowId };
    case 'register-task':
      return { page: 'register-task', windowId };
    case 'executions':
      return parts[3] === undefined
        ? { page: 'window', windowId, tab: 'history' }
        : { page: 'execution', windowId, executionId: parts[3] };
    default:
      return { page: 'window', windowId, tab: parts[2] ?? 'details' };
  }
}

export function hrefOf(route: Route): string {
  switch (route.page) {
    case 'managed-nodes':
    case 'managed-node':
    case 'activations':
    case 'create-activation':
    case 'documents':
    case 'document':
      return fleetHrefOf(route);
    case 'commands':
    case 'run-command':
    case 'command':
      return commandHrefOf(route);
    case 'windows':
      return '#/windows';
    case 'create-window':
      return '#/windows/create';
    case 'window':
      return `#/windows/${encodeURIComponent(route.windowId)}/${route.tab}`;
    case 'edit-window':
      return `#/windows/${encodeURIComponent(route.windowId)}/edit`;
    case 'register-target':
      return `#/windows/${encodeURIComponent(route.windowId)}/register-target`;
    case 'register-task':
      return `#/windows/${encodeURIComponent(route.windowId)}/register-task`;
    case 'edit-target':
      return `#/windows/${encodeURIComponent(route.windowId)}/targets/${encodeURIComponent(route.windowTargetId)}/edit`;
    case 'edit-task':
      return `#/windows/${encodeURIComponent(route.windowId)}/tasks/${encodeURIComponent(route.windowTaskId)}/edit`;
    case 'execution':
      return `#/windows/${encodeURIComponent(route.windowId)}/executions/${encodeURIComponent(route.executionId)}`;
  }
}

export function navigate(route: Route): void {
  window.location.hash = hrefOf(route);
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

/** Cloudscape's `onFollow` for internal links: follow the hash without a page load. */
export function followHash(event: CustomEvent<{ href?: string; external?: boolean }>): void {
  if (event.detail.href?.startsWith('#') === true && event.detail.external !== true) {
    event.preventDefault();
    window.location.hash = event.detail.href;
  }
}
