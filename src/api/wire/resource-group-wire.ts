/** Mado's resource groups → their wire structure (Mado's own operations). */
import type { ResourceGroup } from '../../domain/resource-group.js';
import { compact, timestamp } from './shapes.js';

export function resourceGroupWire(group: ResourceGroup) {
  return compact({
    Name: group.name,
    Description: group.description,
    Targets: group.targets,
    CreatedDate: timestamp(group.createdAt),
  });
}
