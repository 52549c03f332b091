/**
 * What nodes report they have installed (SSM inventory, type `AWS:Application`): the packages
 * the agent installed through `aws:configurePackage`, as the node last reported them on
 * connecting or after a change. Read through ListInventoryEntries.
 */
import { NotFoundError, ValidationError } from '../domain/errors.js';
import { APPLICATION_INVENTORY_TYPE, type ApplicationInventory, type InstalledApplication } from '../domain/package.js';
import type { ServiceContext } from './service-context.js';

/** ListInventoryEntries filter types (SSM's `InventoryQueryOperatorType`). */
export type InventoryFilterType = 'Equal' | 'NotEqual' | 'BeginWith' | 'LessThan' | 'GreaterThan' | 'Exists';

export interface InventoryFilter {
  /** An attribute of AWS:Application (`Name`, `Version`, …), optionally as `AWS:Application.Name`. */
  readonly key: string;
  readonly values: readonly string[];
  readonly type: InventoryFilterType;
}

/** The attributes an `AWS:Application` entry has, as SSM names them. */
export const APPLICATION_ATTRIBUTES = [
  'Name',
  'Version',
  'Publisher',
  'ApplicationType',
  'InstalledTime',
  'Architecture',
  'Summary',
  'PackageId',
] as const;
export type ApplicationAttribute = (typeof APPLICATION_ATTRIBUTES)[number];

/** `ApplicationType` of packages installed by the agent. */
export const PACKAGE_APPLICATION_TYPE = 'Mado package';

/** An installed application as SSM's AWS:Application entry (string attributes). */
export function applicationEntry(application: InstalledApplication): Partial<Record<ApplicationAttribute, string>> {
  const entry: Partial<Record<ApplicationAttribute, string>> = {
    Name: application.name,
    Version: application.version,
    ApplicationType: PACKAGE_APPLICATION_TYPE,
    InstalledTime: new Date(application.installedAt).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    PackageId: `${application.name}-${application.version}`,
  };
  if (application.publisher !== undefined) {
    entry.Publisher = application.publisher;
  }
  if (application.architecture !== undefined) {
    entry.Architecture = application.architecture;
  }
  if (application.summary !== undefined) {
    entry.Summary = application.summary;
  }
  return entry;
}

function attributeOf(key: string): ApplicationAttribute | undefined {
  const attribute = key.startsWith(`${APPLICATION_INVENTORY_TYPE}.`)
    ? key.slice(APPLICATION_INVENTORY_TYPE.length + 1)
    : key;
  return (APPLICATION_ATTRIBUTES as readonly string[]).includes(attribute)
    ? (attribute as ApplicationAttribute)
    : undefined;
}

function matches(value: string | undefined, filter: InventoryFilter): boolean {
  switch (filter.type) {
    case 'Exists':
      return value !== undefined;
    case 'Equal':
      return value !== undefined && filter.values.includes(value);
    case 'NotEqual':
      return value === undefined || !filter.values.includes(value);
    case 'BeginWith':
      return value !== undefined && filter.values.some((prefix) => value.startsWith(prefix));
    case 'LessThan':
      return value !== undefined && filter.values.some((bound) => value < bound);
    case 'GreaterThan':
      return value !== undefined && filter.values.some((bound) => value > bound);
  }
}

export interface ApplicationListing {
  readonly inventory?: ApplicationInventory;
  /** The entries that pass every filter, by name. */
  readonly entries: readonly Partial<Record<ApplicationAttribute, string>>[];
}

export class InventoryService {
  constructor(private readonly ctx: ServiceContext) {}

  /**
   * The node's AWS:Application entries that pass every filter (AND), by name.
   * @throws NotFoundError(Instance) for an unknown or deregistered node; ValidationError
   *   (InventoryType for another type, BadFilter for an unknown attribute).
   */
  async listApplications(
    instanceId: string,
    typeName: string,
    filters: readonly InventoryFilter[] = [],
  ): Promise<ApplicationListing> {
    if (typeName !== APPLICATION_INVENTORY_TYPE) {
      throw new ValidationError(
        `The inventory type ${typeName} is not collected by Mado; the only type is ${APPLICATION_INVENTORY_TYPE} (the packages the agent installed).`,
        { reason: 'InventoryType' },
      );
    }
    for (const filter of filters) {
      if (attributeOf(filter.key) === undefined) {
        throw new ValidationError(
          `The filter key ${filter.key} is not an attribute of ${APPLICATION_INVENTORY_TYPE} (one of ${APPLICATION_ATTRIBUTES.join(', ')}).`,
          { reason: 'BadFilter' },
        );
      }
    }
    const node = await this.ctx.store.getManagedNode(instanceId);
    if (node === undefined || node.deregisteredAt !== undefined) {
      throw new NotFoundError('Instance', instanceId, `Instance ${instanceId} is not a registered managed node.`);
    }
    const inventory = await this.ctx.store.getApplicationInventory(instanceId);
    const entries = [...(inventory?.applications ?? [])]
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .map(applicationEntry)
      .filter((entry) => filters.every((filter) => matches(entry[attributeOf(filter.key)!], filter)));
    return inventory === undefined ? { entries } : { inventory, entries };
  }
}
