/** Every operation the API answers, by `X-Amz-Target`. */
import type { Operation } from '../operation.js';
import { createAccessKey, deleteAccessKey, listAccessKeys } from './access-keys.js';
import { listAgentReleases, publishAgentRelease } from './agent-releases.js';
import { listAuditEvents } from './audit-events.js';
import { cancelCommand } from './cancel-command.js';
import { cancelMaintenanceWindowExecution } from './cancel-maintenance-window-execution.js';
import { createActivation } from './create-activation.js';
import { createDocument } from './create-document.js';
import { createMaintenanceWindow } from './create-maintenance-window.js';
import { createResourceGroup } from './create-resource-group.js';
import { deleteActivation } from './delete-activation.js';
import { deleteDocument } from './delete-document.js';
import { deleteMaintenanceWindow } from './delete-maintenance-window.js';
import { deleteResourceGroup } from './delete-resource-group.js';
import { deregisterManagedInstance } from './deregister-managed-instance.js';
import { deregisterTargetFromMaintenanceWindow } from './deregister-target-from-maintenance-window.js';
import { deregisterTaskFromMaintenanceWindow } from './deregister-task-from-maintenance-window.js';
import { describeActivations } from './describe-activations.js';
import { describeDocument } from './describe-document.js';
import { describeInstanceInformation } from './describe-instance-information.js';
import { describeMaintenanceWindowExecutionTaskInvocations } from './describe-maintenance-window-execution-task-invocations.js';
import { describeMaintenanceWindowExecutionTasks } from './describe-maintenance-window-execution-tasks.js';
import { describeMaintenanceWindowExecutions } from './describe-maintenance-window-executions.js';
import { describeMaintenanceWindowSchedule } from './describe-maintenance-window-schedule.js';
import { describeMaintenanceWindowTargets } from './describe-maintenance-window-targets.js';
import { describeMaintenanceWindowTasks } from './describe-maintenance-window-tasks.js';
import { describeMaintenanceWindows } from './describe-maintenance-windows.js';
import { describeMaintenanceWindowsForTarget } from './describe-maintenance-windows-for-target.js';
import { getCommandInvocation } from './get-command-invocation.js';
import { getCommandInvocationOutput } from './get-command-invocation-output.js';
import { getDocument } from './get-document.js';
import { getServerInfo } from './get-server-info.js';
import { getMaintenanceWindow } from './get-maintenance-window.js';
import { getMaintenanceWindowExecution } from './get-maintenance-window-execution.js';
import { getMaintenanceWindowExecutionTask } from './get-maintenance-window-execution-task.js';
import { getMaintenanceWindowExecutionTaskInvocation } from './get-maintenance-window-execution-task-invocation.js';
import { getMaintenanceWindowTask } from './get-maintenance-window-task.js';
import { listCommandInvocations } from './list-command-invocations.js';
import { listCommands } from './list-commands.js';
import { listDocumentVersions } from './list-document-versions.js';
import { listDocuments } from './list-documents.js';
import { listInventoryEntries } from './list-inventory-entries.js';
import { listResourceGroups } from './list-resource-groups.js';
import {
  deletePackageVersion,
  getPackageVersion,
  listPackages,
  listPackageVersions,
  publishPackage,
} from './packages.js';
import { registerTargetWithMaintenanceWindow } from './register-target-with-maintenance-window.js';
import { registerTaskWithMaintenanceWindow } from './register-task-with-maintenance-window.js';
import { sendCommand } from './send-command.js';
import { addTagsToResource, listTagsForResource, removeTagsFromResource } from './tagging.js';
import { updateDocument } from './update-document.js';
import { updateDocumentDefaultVersion } from './update-document-default-version.js';
import { updateMaintenanceWindow } from './update-maintenance-window.js';
import { updateMaintenanceWindowTarget } from './update-maintenance-window-target.js';
import { updateMaintenanceWindowTask } from './update-maintenance-window-task.js';

/** Operations of the SSM service, answered under `AmazonSSM.<Name>`. */
export const SSM_OPERATIONS: readonly Operation<never>[] = [
  createMaintenanceWindow,
  updateMaintenanceWindow,
  getMaintenanceWindow,
  deleteMaintenanceWindow,
  describeMaintenanceWindows,
  registerTargetWithMaintenanceWindow,
  updateMaintenanceWindowTarget,
  deregisterTargetFromMaintenanceWindow,
  describeMaintenanceWindowTargets,
  registerTaskWithMaintenanceWindow,
  updateMaintenanceWindowTask,
  getMaintenanceWindowTask,
  deregisterTaskFromMaintenanceWindow,
  describeMaintenanceWindowTasks,
  describeMaintenanceWindowExecutions,
  getMaintenanceWindowExecution,
  describeMaintenanceWindowExecutionTasks,
  getMaintenanceWindowExecutionTask,
  describeMaintenanceWindowExecutionTaskInvocations,
  getMaintenanceWindowExecutionTaskInvocation,
  cancelMaintenanceWindowExecution,
  describeMaintenanceWindowSchedule,
  describeMaintenanceWindowsForTarget,
  addTagsToResource,
  removeTagsFromResource,
  listTagsForResource,
  createActivation,
  describeActivations,
  deleteActivation,
  describeInstanceInformation,
  deregisterManagedInstance,
  sendCommand,
  listCommands,
  listCommandInvocations,
  getCommandInvocation,
  cancelCommand,
  createDocument,
  getDocument,
  describeDocument,
  listDocuments,
  updateDocument,
  deleteDocument,
  listDocumentVersions,
  updateDocumentDefaultVersion,
  listInventoryEntries,
] as unknown as readonly Operation<never>[];

/** Mado's own operations, answered under `Mado.<Name>`. */
export const MADO_OPERATIONS: readonly Operation<never>[] = [
  createAccessKey,
  listAccessKeys,
  deleteAccessKey,
  createResourceGroup,
  listResourceGroups,
  deleteResourceGroup,
  publishPackage,
  listPackages,
  listPackageVersions,
  getPackageVersion,
  deletePackageVersion,
  publishAgentRelease,
  listAgentReleases,
  getCommandInvocationOutput,
  getServerInfo,
  listAuditEvents,
] as unknown as readonly Operation<never>[];
