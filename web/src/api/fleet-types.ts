/**
 * Wire structures of the Managed nodes, Activations and Documents pages, as the API returns them
 * (members the pages do not use are left out). Timestamps are epoch seconds.
 */
import type { Tag } from './types.js';

export interface NodeInformation {
  InstanceId: string;
  PingStatus?: string;
  LastPingDateTime?: number;
  AgentVersion?: string;
  IsLatestVersion?: boolean;
  PlatformType?: string;
  PlatformName?: string;
  PlatformVersion?: string;
  ActivationId?: string;
  IamRole?: string;
  RegistrationDate?: number;
  ResourceType?: string;
  Name?: string;
  IPAddress?: string;
  ComputerName?: string;
}

/** An `AWS:Application` inventory entry (every attribute a string). */
export type InventoryEntry = Readonly<Record<string, string>>;

export interface Activation {
  ActivationId: string;
  Description?: string;
  DefaultInstanceName?: string;
  IamRole?: string;
  RegistrationLimit?: number;
  RegistrationsCount?: number;
  ExpirationDate?: number;
  Expired?: boolean;
  CreatedDate?: number;
  Tags?: Tag[];
}

export interface DocumentListing {
  Name: string;
  DisplayName?: string;
  Owner?: string;
  CreatedDate?: number;
  VersionName?: string;
  PlatformTypes?: string[];
  DocumentVersion?: string;
  DocumentType?: string;
  SchemaVersion?: string;
  DocumentFormat?: string;
  TargetType?: string;
}

export interface DocumentParameter {
  Name: string;
  Type: string;
  Description?: string;
  DefaultValue?: string;
}

export interface DocumentDescription extends DocumentListing {
  Description?: string;
  Status?: string;
  Hash?: string;
  Parameters?: DocumentParameter[];
  LatestVersion?: string;
  DefaultVersion?: string;
  Tags?: Tag[];
}

export interface DocumentVersionInfo {
  Name: string;
  DocumentVersion: string;
  VersionName?: string;
  CreatedDate?: number;
  IsDefaultVersion?: boolean;
  DocumentFormat?: string;
  Status?: string;
}
