/** Resource groups: named node selectors that targets address as `resource-groups:Name`. */
import { NotFoundError } from '../domain/errors.js';
import { validateResourceGroup, type ResourceGroup } from '../domain/resource-group.js';
import type { Target } from '../domain/targets.js';
import type { ServiceContext } from './service-context.js';

export class ResourceGroupService {
  constructor(private readonly ctx: ServiceContext) {}

  /** Creates or replaces a group. @throws ValidationError */
  async put(name: string, targets: readonly Target[], description: string | undefined): Promise<ResourceGroup> {
    validateResourceGroup(name, targets);
    const existing = await this.ctx.store.getResourceGroup(name);
    const group: ResourceGroup = {
      name,
      description,
      targets,
      createdAt: existing?.createdAt ?? this.ctx.clock.now().getTime(),
    };
    await this.ctx.store.putResourceGroup(group);
    return group;
  }

  async list(): Promise<ResourceGroup[]> {
    return this.ctx.store.listResourceGroups();
  }

  /** @throws NotFoundError(ResourceGroup) */
  async delete(name: string): Promise<void> {
    if (!(await this.ctx.store.deleteResourceGroup(name))) {
      throw new NotFoundError('ResourceGroup', name, `Resource group ${name} does not exist.`);
    }
  }
}
