/**
 * Wire shapes: the SSM model's scalars and structures (spec §1.11, Appendix A) as zod schemas
 * whose error messages are SSM's constraint phrases. Unknown members are ignored (zod strips
 * them), as the protocol requires for forward compatibility.
 */
import { z } from 'zod';

interface StringRules {
  readonly min?: number;
  readonly max?: number;
  /** Model pattern source, shown verbatim in the error; evaluated with Unicode semantics. */
  readonly pattern?: string;
}

/** A string with the model's length and pattern constraints. */
export function str(rules: StringRules = {}) {
  let schema = z.string();
  if (rules.min !== undefined) {
    schema = schema.min(rules.min, `Member must have length greater than or equal to ${rules.min}`);
  }
  if (rules.max !== undefined) {
    schema = schema.max(rules.max, `Member must have length less than or equal to ${rules.max}`);
  }
  if (rules.pattern !== undefined) {
    schema = schema.regex(
      // Unicode mode only where the pattern needs it: the model's Java patterns escape `-`
      // outside character classes, which Unicode mode refuses.
      new RegExp(rules.pattern, rules.pattern.includes('\\p{') ? 'u' : ''),
      `Member must satisfy regular expression pattern: ${rules.pattern}`,
    );
  }
  return schema;
}

/** An integer within the model's range. */
export function int(rules: { min?: number; max?: number } = {}) {
  let schema = z.number().int();
  if (rules.min !== undefined) {
    schema = schema.min(rules.min, `Member must have value greater than or equal to ${rules.min}`);
  }
  if (rules.max !== undefined) {
    schema = schema.max(rules.max, `Member must have value less than or equal to ${rules.max}`);
  }
  return schema;
}

export function enumOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: `Member must satisfy enum value set: [${values.join(', ')}]` });
}

/** A list with the model's item-count bounds. */
export function list<T extends z.ZodType>(item: T, rules: { min?: number; max?: number } = {}) {
  let schema = z.array(item);
  if (rules.min !== undefined) {
    schema = schema.min(rules.min, `Member must have length greater than or equal to ${rules.min}`);
  }
  if (rules.max !== undefined) {
    schema = schema.max(rules.max, `Member must have length less than or equal to ${rules.max}`);
  }
  return schema;
}

const UUID_PATTERN = '^[0-9a-fA-F]{8}\\-[0-9a-fA-F]{4}\\-[0-9a-fA-F]{4}\\-[0-9a-fA-F]{4}\\-[0-9a-fA-F]{12}$';
const TAG_PATTERN = '^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$';

export const MaintenanceWindowId = str({ min: 20, max: 20, pattern: '^mw-[0-9a-f]{17}$' });
export const MaintenanceWindowName = str({ min: 3, max: 128, pattern: '^[a-zA-Z0-9_\\-.]{3,128}$' });
export const MaintenanceWindowDescription = str({ min: 1, max: 128 });
export const MaintenanceWindowSchedule = str({ min: 1, max: 256 });
export const MaintenanceWindowTimezone = z.string();
export const MaintenanceWindowStringDateTime = z.string();
export const MaintenanceWindowOffset = int({ min: 1, max: 6 });
export const MaintenanceWindowDurationHours = int({ min: 1, max: 24 });
export const MaintenanceWindowCutoff = int({ min: 0, max: 23 });
export const MaintenanceWindowMaxResults = int({ min: 10, max: 100 });
export const MaintenanceWindowSearchMaxResults = int({ min: 1 });
export const MaintenanceWindowTargetId = str({ min: 36, max: 36, pattern: UUID_PATTERN });
export const MaintenanceWindowTaskId = str({ min: 36, max: 36, pattern: UUID_PATTERN });
export const MaintenanceWindowExecutionId = str({ min: 36, max: 36, pattern: UUID_PATTERN });
export const MaintenanceWindowExecutionTaskId = str({ min: 36, max: 36, pattern: UUID_PATTERN });
export const MaintenanceWindowExecutionTaskInvocationId = str({ min: 36, max: 36, pattern: UUID_PATTERN });
export const MaintenanceWindowResourceType = enumOf(['INSTANCE', 'RESOURCE_GROUP']);
export const MaintenanceWindowTaskType = enumOf(['RUN_COMMAND', 'AUTOMATION', 'STEP_FUNCTIONS', 'LAMBDA']);
export const MaintenanceWindowTaskArn = str({ min: 1, max: 1600 });
export const MaintenanceWindowTaskPriority = int({ min: 0 });
export const MaintenanceWindowTaskCutoffBehavior = enumOf(['CONTINUE_TASK', 'CANCEL_TASK']);
export const OwnerInformation = str({ min: 1, max: 128 });
export const ClientToken = str({ min: 1, max: 64 });
export const NextToken = z.string();
export const ServiceRole = z.string();
export const MaxConcurrency = str({ min: 1, max: 7, pattern: '^([1-9][0-9]*|[1-9][0-9]%|[1-9]%|100%)$' });
export const MaxErrors = str({ min: 1, max: 7, pattern: '^([1-9][0-9]*|[0]|[1-9][0-9]%|[0-9]%|100%)$' });
export const TimeoutSeconds = int({ min: 30, max: 2592000 });
export const Comment = str({ min: 0, max: 100 });
export const DocumentVersion = str({ pattern: '^([$]LATEST|[$]DEFAULT|[1-9][0-9]*)$' });
export const DocumentHash = str({ min: 0, max: 256 });
export const DocumentHashType = enumOf(['Sha256', 'Sha1']);
export const S3BucketName = str({ min: 3, max: 63 });
export const S3KeyPrefix = str({ min: 0, max: 500 });
export const S3Region = str({ min: 3, max: 20 });

export const InstanceId = str({ pattern: '(^i-(\\w{8}|\\w{17})$)|(^mi-\\w{17}$)' });
export const ManagedInstanceId = str({
  min: 20,
  max: 124,
  pattern: '(^mi-[0-9a-f]{17}$)|(^eks_c:[0-9A-Za-z][A-Za-z0-9\\-_]{0,99}_\\w{17}$)',
});
export const CommandId = str({ min: 36, max: 36 });
export const CommandMaxResults = int({ min: 1, max: 50 });
export const CommandPluginName = str({ min: 4 });
export const DocumentARN = str({ pattern: '^[a-zA-Z0-9_\\-.:/]{3,128}$' });
export const DocumentName = str({ pattern: '^[a-zA-Z0-9_\\-.]{3,128}$' });
export const DocumentDisplayName = str({ min: 0, max: 1024, pattern: '^[\\w\\.\\-\\:\\/ ]*$' });
export const DocumentVersionName = str({ pattern: '^[a-zA-Z0-9_\\-.]{1,128}$' });
/** UpdateDocumentDefaultVersion's DocumentVersion: a number only. */
export const DocumentVersionNumber = str({ pattern: '(^[1-9][0-9]*$)' });
export const DocumentType = enumOf([
  'Command',
  'Policy',
  'Automation',
  'Session',
  'Package',
  'ApplicationConfiguration',
  'ApplicationConfigurationSchema',
  'DeploymentStrategy',
  'ChangeCalendar',
  'Automation.ChangeTemplate',
  'ProblemAnalysis',
  'ProblemAnalysisTemplate',
  'CloudFormation',
  'ConformancePackTemplate',
  'QuickSetup',
  'ManualApprovalPolicy',
  'AutoApprovalPolicy',
]);
export const DocumentFormat = enumOf(['YAML', 'JSON', 'TEXT']);
export const TargetType = str({ min: 0, max: 200, pattern: '^\\/[\\w\\.\\-\\:\\/]*$' });
export const DocumentMaxResults = int({ min: 1, max: 50 });
export const DocumentRequires = z.object({
  Name: DocumentARN,
  Version: DocumentVersion.optional(),
  RequireType: str({ min: 0, max: 128, pattern: '^[a-zA-Z0-9_\\-.]{1,128}$' }).optional(),
  VersionName: DocumentVersionName.optional(),
});
export const AttachmentsSource = z.object({
  Key: enumOf(['SourceUrl', 'S3FileUrl', 'AttachmentReference']).optional(),
  Values: list(str({ min: 1, max: 1024 }), { min: 1, max: 1 }).optional(),
  Name: str({ pattern: '^[a-zA-Z0-9_\\-.]{3,128}$' }).optional(),
});
/** ListDocuments `Filters`. An unknown key is answered with InvalidFilterKey (spec §8.6). */
export const DocumentKeyValuesFilter = z.object({
  Key: str({ min: 1, max: 128 }).optional(),
  Values: list(str({ min: 1, max: 256 })).optional(),
});
/**
 * The legacy ListDocuments filter (lower-case `key`/`value`). The model makes `key` an enum;
 * an unknown key is answered with InvalidFilterKey, as for `Filters`.
 */
export const DocumentFilter = z.object({
  key: str({ min: 1 }),
  value: str({ min: 1 }),
});
export const ActivationId = str({
  pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$',
});
export const ActivationDescription = str({ min: 0, max: 256 });
export const DefaultInstanceName = str({ min: 0, max: 256, pattern: '^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$' });
export const IamRole = str({ min: 0, max: 64 });
export const RegistrationLimit = int({ min: 1, max: 1000 });
/** A request timestamp: epoch seconds, a fraction allowed (spec §1.2). */
export const Timestamp = z.number();

export const Tag = z.object({
  Key: str({ min: 1, max: 128, pattern: TAG_PATTERN }),
  Value: str({ min: 0, max: 256, pattern: TAG_PATTERN }),
});
export const TagKey = str({ min: 1, max: 128, pattern: TAG_PATTERN });

export const Target = z.object({
  Key: str({
    min: 1,
    max: 163,
    pattern: '^[\\p{L}\\p{Z}\\p{N}_.:/=\\-@]*$|resource-groups:ResourceTypeFilters|resource-groups:Name',
  }),
  Values: list(z.string(), { max: 50 }),
});
export const Targets = list(Target, { max: 5 });

export const MaintenanceWindowFilter = z.object({
  Key: str({ min: 1, max: 128 }),
  Values: list(str({ min: 1, max: 256 })).optional(),
});
export const MaintenanceWindowFilters = list(MaintenanceWindowFilter, { max: 5 });

export const PatchOrchestratorFilter = z.object({
  Key: str({ min: 1, max: 128 }),
  Values: list(str({ min: 1, max: 256 })).optional(),
});

/**
 * Note the lower-case member names (spec §1.9). The model makes `key` an enum; an unknown key is
 * answered with InvalidFilterKey, so it is read as a plain string here.
 */
export const CommandFilter = z.object({
  key: str({ min: 1 }),
  value: str({ min: 1, max: 128 }),
});
export const CommandFilters = list(CommandFilter, { min: 1, max: 5 });

export const InstanceInformationStringFilter = z.object({
  Key: str({ min: 1 }),
  Values: list(str({ min: 1 }), { min: 1, max: 100 }),
});

/**
 * The legacy filter (`key`/`valueSet`). The model makes `key` an enum; an unknown key is
 * answered with InvalidFilterKey, as for `Filters`, so it is read as a plain string here.
 */
export const InstanceInformationFilter = z.object({
  key: str({ min: 1 }),
  valueSet: list(str({ min: 1 }), { min: 1, max: 100 }),
});

/** `FilterKey` is an enum in the model; an unknown key is answered with InvalidFilter. */
export const DescribeActivationsFilter = z.object({
  FilterKey: z.string().optional(),
  FilterValues: list(z.string()).optional(),
});

export const RegistrationMetadataItem = z.object({
  Key: str({ min: 1, max: 128, pattern: '^(?!\\s*$).+' }),
  Value: str({ min: 1, max: 2048, pattern: '^(?!\\s*$).+' }),
});

export const TaskParameterValueExpression = z.object({
  Values: list(str({ min: 1, max: 255 })).optional(),
});
export const TaskParameters = z.record(str({ min: 1, max: 255 }), TaskParameterValueExpression);

export const LoggingInfo = z.object({
  S3BucketName,
  S3KeyPrefix: S3KeyPrefix.optional(),
  S3Region,
});

export const AlarmConfiguration = z.object({
  IgnorePollAlarmFailure: z.boolean().optional(),
  Alarms: list(z.object({ Name: str({ min: 1, max: 255, pattern: '^(?!\\s*$).+' }) }), { min: 1, max: 1 }),
});

export const NotificationConfig = z.object({
  NotificationArn: z.string().optional(),
  NotificationEvents: list(enumOf(['All', 'InProgress', 'Success', 'TimedOut', 'Cancelled', 'Failed'])).optional(),
  NotificationType: enumOf(['Command', 'Invocation']).optional(),
});

export const CloudWatchOutputConfig = z.object({
  CloudWatchLogGroupName: str({ min: 1, max: 512 }).optional(),
  CloudWatchOutputEnabled: z.boolean().optional(),
});

export const TaskInvocationParameters = z.object({
  RunCommand: z
    .object({
      Comment: Comment.optional(),
      CloudWatchOutputConfig: CloudWatchOutputConfig.optional(),
      DocumentHash: DocumentHash.optional(),
      DocumentHashType: DocumentHashType.optional(),
      DocumentVersion: DocumentVersion.optional(),
      NotificationConfig: NotificationConfig.optional(),
      OutputS3BucketName: S3BucketName.optional(),
      OutputS3KeyPrefix: S3KeyPrefix.optional(),
      Parameters: z.record(z.string(), list(z.string())).optional(),
      ServiceRoleArn: ServiceRole.optional(),
      TimeoutSeconds: TimeoutSeconds.optional(),
    })
    .optional(),
  Automation: z
    .object({
      DocumentVersion: DocumentVersion.optional(),
      Parameters: z.record(str({ min: 1, max: 50 }), list(str({ min: 1, max: 512 }), { max: 50 })).optional(),
    })
    .optional(),
  StepFunctions: z
    .object({
      Input: str({ min: 0, max: 4096 }).optional(),
      Name: str({ min: 1, max: 80 }).optional(),
    })
    .optional(),
  Lambda: z
    .object({
      ClientContext: str({ min: 1, max: 8000 }).optional(),
      Qualifier: str({ min: 1, max: 128 }).optional(),
      Payload: str({ max: Math.ceil(4096 / 3) * 4 }).optional(),
    })
    .optional(),
});

export const ResourceTypeForTagging = enumOf([
  'Document',
  'ManagedInstance',
  'MaintenanceWindow',
  'Parameter',
  'PatchBaseline',
  'OpsItem',
  'OpsMetadata',
  'Automation',
  'Association',
  'CloudConnector',
]);

/** Drops members whose value is `undefined`, so responses omit what has no value (spec §1.2). */
export function compact<T extends Record<string, unknown>>(value: T): T {
  const out: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value)) {
    if (member !== undefined) {
      out[key] = member;
    }
  }
  return out as T;
}

/** Epoch milliseconds as the wire's timestamp: epoch seconds with a millisecond fraction. */
export function timestamp(epochMs: number | undefined): number | undefined {
  return epochMs === undefined ? undefined : epochMs / 1000;
}
