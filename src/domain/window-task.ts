/**
 * Rules for registering and updating window tasks and window targets (spec §5.6-§5.11).
 */
import { ValidationError } from './errors.js';
import type {
  AlarmConfiguration,
  CutoffBehavior,
  LoggingInfo,
  TaskInvocationParameters,
  TaskParameters,
  WindowTarget,
  WindowTask,
  WindowTaskType,
} from './maintenance-window.js';
import { validateTaskTargets, validateWindowTargets, type Target, type TaskTargetSelection } from './targets.js';

/** Task types Mado runs today. The others are accepted by the wire model but refused here. */
export const SUPPORTED_TASK_TYPES: readonly WindowTaskType[] = ['RUN_COMMAND'];

/** Default Priority when a task is registered without one. */
export const DEFAULT_TASK_PRIORITY = 1;

/** Placeholder SSM reports for MaxConcurrency/MaxErrors of targetless tasks. */
const TARGETLESS_PLACEHOLDER = '1';

const INVOCATION_MEMBER: Record<WindowTaskType, string> = {
  RUN_COMMAND: 'RunCommand',
  AUTOMATION: 'Automation',
  LAMBDA: 'Lambda',
  STEP_FUNCTIONS: 'StepFunctions',
};

/** The settable part of a task, as Register and Update take it. */
export interface WindowTaskSettings {
  readonly taskArn: string;
  readonly targets: readonly Target[];
  readonly serviceRoleArn?: string;
  readonly taskParameters?: TaskParameters;
  readonly taskInvocationParameters?: TaskInvocationParameters;
  readonly priority?: number;
  readonly maxConcurrency?: string;
  readonly maxErrors?: string;
  readonly loggingInfo?: LoggingInfo;
  readonly name?: string;
  readonly description?: string;
  readonly cutoffBehavior?: CutoffBehavior;
  readonly alarmConfiguration?: AlarmConfiguration;
}

export type WindowTaskPatch = Partial<WindowTaskSettings>;

/** A task definition checked against its window, with what its targets refer to. */
export interface CheckedTask {
  readonly settings: WindowTaskSettings & {
    readonly priority: number;
    readonly maxConcurrency: string;
    readonly maxErrors: string;
  };
  readonly selection: TaskTargetSelection;
}

/**
 * Checks a task definition (Register or merged Update) against the rules of §5.10.
 * Window-target existence is checked by the caller with `selection`.
 * @throws ValidationError naming the field at fault.
 */
export function checkWindowTask(
  taskType: WindowTaskType,
  settings: WindowTaskSettings,
  window: { readonly allowUnassociatedTargets: boolean },
): CheckedTask {
  if (!SUPPORTED_TASK_TYPES.includes(taskType)) {
    throw ValidationError.field(
      'taskType',
      `Task type ${taskType} is not supported by this server; supported task types: ${SUPPORTED_TASK_TYPES.join(', ')}.`,
      taskType,
    );
  }
  const selection = validateTaskTargets(settings.targets, {
    allowUnassociatedTargets: window.allowUnassociatedTargets,
  });
  const hasTargets = selection.kind !== 'None';
  if (taskType === 'RUN_COMMAND' && !hasTargets) {
    throw ValidationError.field('targets', 'A RUN_COMMAND task needs at least one target.');
  }
  if (hasTargets) {
    if (settings.maxConcurrency === undefined) {
      throw ValidationError.field('maxConcurrency', 'MaxConcurrency is required for a task with targets.');
    }
    if (settings.maxErrors === undefined) {
      throw ValidationError.field('maxErrors', 'MaxErrors is required for a task with targets.');
    }
  } else {
    if (settings.maxConcurrency !== undefined) {
      throw ValidationError.field(
        'maxConcurrency',
        "Maintenance window tasks without targets don't support MaxConcurrency values.",
      );
    }
    if (settings.maxErrors !== undefined) {
      throw ValidationError.field(
        'maxErrors',
        "Maintenance window tasks without targets don't support MaxErrors values.",
      );
    }
  }
  const invocationMembers = Object.keys(settings.taskInvocationParameters ?? {});
  const foreign = invocationMembers.find((member) => member !== INVOCATION_MEMBER[taskType]);
  if (foreign !== undefined) {
    throw ValidationError.field(
      `taskInvocationParameters.${foreign.charAt(0).toLowerCase()}${foreign.slice(1)}`,
      `TaskInvocationParameters.${foreign} does not apply to a ${taskType} task; use ${INVOCATION_MEMBER[taskType]}.`,
    );
  }
  return {
    settings: {
      ...settings,
      priority: settings.priority ?? DEFAULT_TASK_PRIORITY,
      maxConcurrency: settings.maxConcurrency ?? TARGETLESS_PLACEHOLDER,
      maxErrors: settings.maxErrors ?? TARGETLESS_PLACEHOLDER,
    },
    selection,
  };
}

/**
 * The task settings after UpdateMaintenanceWindowTask (spec §5.11): absent members keep their
 * value except TaskInvocationParameters, which is replaced as a whole when present; with
 * `replace`, TaskArn must be present and absent optional members are cleared.
 */
export function applyTaskPatch(current: WindowTask, patch: WindowTaskPatch, replace: boolean): WindowTaskSettings {
  if (replace) {
    if (patch.taskArn === undefined) {
      throw ValidationError.field('taskArn', 'TaskArn is required when Replace is true.');
    }
    return { ...patch, taskArn: patch.taskArn, targets: patch.targets ?? [] };
  }
  const targets = patch.targets ?? current.targets;
  const targetless = targets.length === 0;
  return {
    taskArn: patch.taskArn ?? current.taskArn,
    targets,
    serviceRoleArn: patch.serviceRoleArn ?? current.serviceRoleArn,
    taskParameters: patch.taskParameters ?? current.taskParameters,
    taskInvocationParameters: patch.taskInvocationParameters ?? current.taskInvocationParameters,
    priority: patch.priority ?? current.priority,
    // A targetless task has only the placeholder "1", which is not a value the caller set;
    // removing every target drops the stored values too (spec §5.11).
    maxConcurrency: patch.maxConcurrency ?? (targetless ? undefined : current.maxConcurrency),
    maxErrors: patch.maxErrors ?? (targetless ? undefined : current.maxErrors),
    loggingInfo: patch.loggingInfo ?? current.loggingInfo,
    name: patch.name ?? current.name,
    description: patch.description ?? current.description,
    cutoffBehavior: patch.cutoffBehavior ?? current.cutoffBehavior,
    alarmConfiguration: patch.alarmConfiguration ?? current.alarmConfiguration,
  };
}

/** The settable part of a window target. */
export interface WindowTargetSettings {
  readonly targets: readonly Target[];
  readonly ownerInformation?: string;
  readonly name?: string;
  readonly description?: string;
}

/**
 * The target after UpdateMaintenanceWindowTarget (spec §5.7), validated for its resource type.
 * The resource type follows the new keys, so a target may switch between instance and
 * resource-group selection.
 */
export function applyTargetPatch(
  current: WindowTarget,
  patch: Partial<WindowTargetSettings>,
  replace: boolean,
): WindowTargetSettings & { readonly resourceType: WindowTarget['resourceType'] } {
  if (replace && patch.targets === undefined) {
    throw ValidationError.field('targets', 'Targets is required when Replace is true.');
  }
  const next: WindowTargetSettings = replace
    ? { ...patch, targets: patch.targets! }
    : {
        targets: patch.targets ?? current.targets,
        ownerInformation: patch.ownerInformation ?? current.ownerInformation,
        name: patch.name ?? current.name,
        description: patch.description ?? current.description,
      };
  const resourceType = next.targets.some((target) => target.Key.startsWith('resource-groups:'))
    ? 'RESOURCE_GROUP'
    : 'INSTANCE';
  validateWindowTargets(resourceType, next.targets);
  return { ...next, resourceType };
}
