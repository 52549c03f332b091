/**
 * Builders for domain records: small, valid defaults that a test overrides where it matters.
 * Every call gets fresh ids, so records built in one test never collide.
 *
 * They live here, beside the conformance suite, because the suite is compiled with `src/` and
 * cannot import from `test/`; tests import them through `test/support/builders.ts`.
 */
import { createHash } from 'node:crypto';
import type { Command, CommandInvocation } from '../../domain/command.js';
import type { MaintenanceWindow, WindowTarget, WindowTask } from '../../domain/maintenance-window.js';
import type { StoredDocument, StoredDocumentVersion } from '../../domain/stored-document.js';
import type { TaskExecution, TaskInvocation, WindowExecution } from '../../domain/window-execution.js';
import { newUuid, newWindowId } from '../../shared/ids.js';

/** 2024-01-15T12:00:00Z: the default instant of built records. */
export const BUILT_AT = Date.UTC(2024, 0, 15, 12, 0, 0);

export function aWindow(overrides: Partial<MaintenanceWindow> = {}): MaintenanceWindow {
  return {
    windowId: newWindowId(),
    name: 'nightly-patching',
    schedule: 'cron(0 2 ? * SUN *)',
    duration: 3,
    cutoff: 1,
    allowUnassociatedTargets: false,
    enabled: true,
    scheduleAnchorAt: BUILT_AT,
    createdAt: BUILT_AT,
    modifiedAt: BUILT_AT,
    ...overrides,
  };
}

export function aWindowTarget(overrides: Partial<WindowTarget> = {}): WindowTarget {
  return {
    windowTargetId: newUuid(),
    windowId: newWindowId(),
    resourceType: 'INSTANCE',
    targets: [{ Key: 'tag:Env', Values: ['Prod'] }],
    createdAt: BUILT_AT,
    ...overrides,
  };
}

export function aWindowTask(overrides: Partial<WindowTask> = {}): WindowTask {
  return {
    windowTaskId: newUuid(),
    windowId: newWindowId(),
    taskType: 'RUN_COMMAND',
    taskArn: 'AWS-RunShellScript',
    targets: [{ Key: 'WindowTargetIds', Values: [newUuid()] }],
    priority: 1,
    maxConcurrency: '2',
    maxErrors: '1',
    createdAt: BUILT_AT,
    ...overrides,
  };
}

export function aWindowExecution(overrides: Partial<WindowExecution> = {}): WindowExecution {
  const startedAt = overrides.startedAt ?? BUILT_AT;
  return {
    windowExecutionId: newUuid(),
    windowId: newWindowId(),
    scheduledAt: startedAt,
    status: 'IN_PROGRESS',
    startedAt,
    ...overrides,
  };
}

export function aTaskExecution(overrides: Partial<TaskExecution> = {}): TaskExecution {
  return {
    taskExecutionId: newUuid(),
    windowExecutionId: newUuid(),
    windowTaskId: newUuid(),
    taskArn: 'AWS-RunShellScript',
    taskType: 'RUN_COMMAND',
    serviceRole: 'arn:aws:iam::123456789012:role/aws-service-role/ssm.amazonaws.com/AWSServiceRoleForAmazonSSM',
    taskParameters: { commands: { Values: ['uptime'] } },
    priority: 1,
    maxConcurrency: '2',
    maxErrors: '1',
    status: 'IN_PROGRESS',
    startedAt: BUILT_AT,
    ...overrides,
  };
}

export function aTaskInvocation(overrides: Partial<TaskInvocation> = {}): TaskInvocation {
  return {
    invocationId: newUuid(),
    taskExecutionId: newUuid(),
    windowExecutionId: newUuid(),
    taskType: 'RUN_COMMAND',
    parameters: JSON.stringify({ documentName: 'AWS-RunShellScript', instanceIds: ['mi-0123456789abcdef0'] }),
    status: 'IN_PROGRESS',
    startedAt: BUILT_AT,
    ...overrides,
  };
}

export function aCommand(overrides: Partial<Command> = {}): Command {
  const requestedAt = overrides.requestedAt ?? BUILT_AT;
  return {
    commandId: newUuid(),
    documentName: 'AWS-RunShellScript',
    documentVersion: '',
    comment: '',
    parameters: { commands: ['uptime'] },
    instanceIds: ['mi-0123456789abcdef0'],
    targets: [],
    requestedAt,
    expiresAfterAt: requestedAt + 2 * 3_600_000,
    timeoutSeconds: 3_600,
    executionTimeoutSeconds: 3_600,
    maxConcurrency: '50',
    maxErrors: '0',
    outputS3BucketName: '',
    outputS3KeyPrefix: '',
    serviceRoleArn: '',
    steps: [{ action: 'aws:runShellScript', name: 'aws:runShellScript', inputs: { runCommand: ['uptime'] } }],
    status: 'Pending',
    statusDetails: 'Pending',
    targetCount: 1,
    completedCount: 0,
    errorCount: 0,
    deliveryTimedOutCount: 0,
    cancelRequested: false,
    ...overrides,
  };
}

export function aCommandInvocation(overrides: Partial<CommandInvocation> = {}): CommandInvocation {
  return {
    commandId: newUuid(),
    instanceId: 'mi-0123456789abcdef0',
    instanceName: '',
    statusDetails: 'Pending',
    requestedAt: BUILT_AT,
    plugins: [],
    ...overrides,
  };
}

const DOCUMENT_CONTENT = JSON.stringify({
  schemaVersion: '2.2',
  description: 'Prints uptime',
  mainSteps: [{ action: 'aws:runShellScript', name: 'uptime', inputs: { runCommand: ['uptime'] } }],
});

let documentSequence = 0;

/** A stored Command document at version 1 (default and latest), with a fresh name. */
export function aStoredDocument(overrides: Partial<StoredDocument> = {}): StoredDocument {
  documentSequence += 1;
  return {
    name: `Doc-${documentSequence}`,
    documentType: 'Command',
    owner: '123456789012',
    defaultVersion: 1,
    latestVersion: 1,
    versionCounter: 1,
    createdAt: BUILT_AT,
    ...overrides,
  };
}

/**
 * A version of a stored document (version 1 of `Doc-1` unless overridden). The content is a
 * real schema 2.2 document, made distinct per version so that hashes differ.
 */
export function aDocumentVersion(overrides: Partial<StoredDocumentVersion> = {}): StoredDocumentVersion {
  const name = overrides.name ?? 'Doc-1';
  const documentVersion = overrides.documentVersion ?? 1;
  const content = overrides.content ?? DOCUMENT_CONTENT.replace('Prints uptime', `Prints uptime (${documentVersion})`);
  return {
    name,
    documentVersion,
    content,
    documentFormat: 'JSON',
    hash: createHash('sha256').update(content).digest('hex'),
    schemaVersion: '2.2',
    description: `Prints uptime (${documentVersion})`,
    parameters: [],
    platformTypes: ['Linux', 'MacOS'],
    status: 'Active',
    createdAt: BUILT_AT,
    ...overrides,
  };
}
