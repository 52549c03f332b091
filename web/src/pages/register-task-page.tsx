/**
 * Register a Run Command task, or edit a registered one (the same form, prefilled from
 * GetMaintenanceWindowTask, saved with UpdateMaintenanceWindowTask): the document from the
 * document list, its parameters as a form (from the document's own definitions), priority,
 * targets (registered window targets or, when the window allows it, instance ids), rate control
 * as a number or a percentage, new task invocation cutoff, timeout, service role, output options
 * (S3, CloudWatch), SNS notifications and a CloudWatch alarm.
 */
import Alert from '@cloudscape-design/components/alert';
import BreadcrumbGroup from '@cloudscape-design/components/breadcrumb-group';
import Button from '@cloudscape-design/components/button';
import Checkbox from '@cloudscape-design/components/checkbox';
import ColumnLayout from '@cloudscape-design/components/column-layout';
import Container from '@cloudscape-design/components/container';
import ContentLayout from '@cloudscape-design/components/content-layout';
import Form from '@cloudscape-design/components/form';
import FormField from '@cloudscape-design/components/form-field';
import Header from '@cloudscape-design/components/header';
import Input from '@cloudscape-design/components/input';
import Multiselect from '@cloudscape-design/components/multiselect';
import RadioGroup from '@cloudscape-design/components/radio-group';
import Select from '@cloudscape-design/components/select';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Spinner from '@cloudscape-design/components/spinner';
import Textarea from '@cloudscape-design/components/textarea';
import Tiles from '@cloudscape-design/components/tiles';
import { useEffect, useRef, useState } from 'react';
import * as S from '../../../src/api/wire/shapes.js';
import { useApi, useApiQuery } from '../api/api-context.js';
import { errorMessage } from '../api/ssm-client.js';
import type { DocumentIdentifier, Target, WindowDetails, WindowTarget, WindowTask } from '../api/types.js';
import { DocumentParametersForm } from '../components/document-parameters-form.js';
import { useNotify } from '../components/notifications.js';
import { parseRate, rateError, rateText, RateControlField, type RateValue } from '../components/rate-control-field.js';
import {
  checkParameterValues,
  initialParameterValues,
  isListParameter,
  parameterDefinitionsOf,
  parametersRequest,
  type ParameterDefinitions,
} from '../documents/parameter-form-model.js';
import { followHash, hrefOf, navigate } from '../router.js';
import { formatTargets } from './window-targets-tab.js';

type TargetMode = 'window-targets' | 'instances';

/** A registered task as GetMaintenanceWindowTask answers it (the members the form edits). */
interface WindowTaskDetails extends WindowTask {
  TaskParameters?: Record<string, unknown>;
  LoggingInfo?: Record<string, unknown>;
  AlarmConfiguration?: { Alarms?: { Name: string }[]; IgnorePollAlarmFailure?: boolean };
  TaskInvocationParameters?: {
    RunCommand?: {
      Comment?: string;
      Parameters?: Record<string, string[]>;
      TimeoutSeconds?: number;
      OutputS3BucketName?: string;
      OutputS3KeyPrefix?: string;
      CloudWatchOutputConfig?: { CloudWatchLogGroupName?: string; CloudWatchOutputEnabled?: boolean };
      NotificationConfig?: { NotificationArn?: string; NotificationEvents?: string[]; NotificationType?: string };
      ServiceRoleArn?: string;
    };
  };
}

interface WindowContext {
  window: WindowDetails;
  targets: WindowTarget[];
  documents: DocumentIdentifier[];
  /** The task being edited; none when registering. */
  task: WindowTaskDetails | undefined;
}

const NOTIFICATION_EVENTS = ['All', 'InProgress', 'Success', 'TimedOut', 'Cancelled', 'Failed'] as const;
/** The service-linked role Mado answers for a task without its own: shown as "default". */
const DEFAULT_SERVICE_ROLE = /:role\/aws-service-role\/ssm\.amazonaws\.com\/AWSServiceRoleForAmazonSSM$/;

/** A task's parameter values (name → list) as the form's text fields. */
function parameterTextOf(
  definitions: ParameterDefinitions,
  values: Readonly<Record<string, readonly string[]>> | undefined,
): Record<string, string> {
  const text = initialParameterValues(definitions);
  for (const [name, items] of Object.entries(values ?? {})) {
    const definition = definitions[name];
    if (definition !== undefined) {
      text[name] = isListParameter(definition) ? items.join('\n') : (items[0] ?? '');
    }
  }
  return text;
}

function targetIdsOf(targets: readonly Target[] | undefined, key: string): string[] | undefined {
  return targets?.find((target) => target.Key === key)?.Values;
}

function RegisterTaskForm({ windowId, context }: { windowId: string; context: WindowContext }) {
  const client = useApi();
  const notify = useNotify();
  const task = context.task;
  const isEdit = task !== undefined;
  const runCommand = task?.TaskInvocationParameters?.RunCommand;
  const taskInstanceIds = targetIdsOf(task?.Targets, 'InstanceIds');
  const [name, setName] = useState(task?.Name ?? '');
  const [description, setDescription] = useState(task?.Description ?? '');
  const [documentName, setDocumentName] = useState<string | undefined>(task?.TaskArn);
  const [definitions, setDefinitions] = useState<ParameterDefinitions | undefined>(undefined);
  const [parameterValues, setParameterValues] = useState<Record<string, string>>({});
  const [documentError, setDocumentError] = useState<string | undefined>(undefined);
  const [priority, setPriority] = useState(String(task?.Priority ?? 1));
  const [targetMode, setTargetMode] = useState<TargetMode>(
    taskInstanceIds === undefined ? 'window-targets' : 'instances',
  );
  const [windowTargetIds, setWindowTargetIds] = useState<string[]>(
    isEdit
      ? (targetIdsOf(task.Targets, 'WindowTargetIds') ?? [])
      : context.targets.length === 1
        ? [context.targets[0]!.WindowTargetId]
        : [],
  );
  const [instanceIds, setInstanceIds] = useState((taskInstanceIds ?? []).join(', '));
  const [maxConcurrency, setMaxConcurrency] = useState<RateValue>(parseRate(task?.MaxConcurrency, '1'));
  const [maxErrors, setMaxErrors] = useState<RateValue>(parseRate(task?.MaxErrors, '1'));
  const [isCancelAtCutoff, setCancelAtCutoff] = useState(task?.CutoffBehavior === 'CANCEL_TASK');
  const [timeoutSeconds, setTimeoutSeconds] = useState(String(runCommand?.TimeoutSeconds ?? 600));
  const [comment, setComment] = useState(runCommand?.Comment ?? '');
  const [serviceRoleArn, setServiceRoleArn] = useState(
    task?.ServiceRoleArn === undefined || DEFAULT_SERVICE_ROLE.test(task.ServiceRoleArn) ? '' : task.ServiceRoleArn,
  );
  // Output options.
  const [isS3Output, setS3Output] = useState(runCommand?.OutputS3BucketName !== undefined);
  const [s3Bucket, setS3Bucket] = useState(runCommand?.OutputS3BucketName ?? '');
  const [s3Prefix, setS3Prefix] = useState(runCommand?.OutputS3KeyPrefix ?? '');
  const [isCloudWatchOutput, setCloudWatchOutput] = useState(
    runCommand?.CloudWatchOutputConfig?.CloudWatchOutputEnabled === true,
  );
  const [logGroupName, setLogGroupName] = useState(runCommand?.CloudWatchOutputConfig?.CloudWatchLogGroupName ?? '');
  // Notifications.
  const notification = runCommand?.NotificationConfig;
  const [isNotifying, setNotifying] = useState(notification?.NotificationArn !== undefined);
  const [notificationArn, setNotificationArn] = useState(notification?.NotificationArn ?? '');
  const [notificationEvents, setNotificationEvents] = useState<string[]>(notification?.NotificationEvents ?? ['All']);
  const [notificationType, setNotificationType] = useState(notification?.NotificationType ?? 'Command');
  // Alarm.
  const alarm = task?.AlarmConfiguration;
  const [isAlarm, setAlarm] = useState((alarm?.Alarms ?? []).length > 0);
  const [alarmName, setAlarmName] = useState(alarm?.Alarms?.[0]?.Name ?? '');
  const [isIgnorePollAlarmFailure, setIgnorePollAlarmFailure] = useState(alarm?.IgnorePollAlarmFailure === true);

  const [isSubmitted, setSubmitted] = useState(false);
  const [apiError, setApiError] = useState<string | undefined>(undefined);
  const [isBusy, setBusy] = useState(false);

  const chooseDocument = async (nameChosen: string, values?: Readonly<Record<string, readonly string[]>>) => {
    setDocumentName(nameChosen);
    setDefinitions(undefined);
    setDocumentError(undefined);
    try {
      const document = await client.call<{ Content: string }>('GetDocument', {
        Name: nameChosen,
        DocumentFormat: 'JSON',
      });
      const parsed = parameterDefinitionsOf(document.Content);
      setDefinitions(parsed);
      setParameterValues(parameterTextOf(parsed, values));
    } catch (error) {
      setDocumentError(errorMessage(error));
    }
  };

  // Editing: the task's document, with the task's own parameter values.
  const loadedTask = useRef<string | undefined>(undefined);
  useEffect(() => {
    if (task !== undefined && loadedTask.current !== task.WindowTaskId) {
      loadedTask.current = task.WindowTaskId;
      void chooseDocument(task.TaskArn, runCommand?.Parameters);
    }
  });

  const instanceIdList = instanceIds
    .split(/[\s,]+/)
    .map((id) => id.trim())
    .filter(Boolean);
  const targets =
    targetMode === 'window-targets'
      ? windowTargetIds.length === 0
        ? undefined
        : [{ Key: 'WindowTargetIds', Values: windowTargetIds }]
      : instanceIdList.length === 0
        ? undefined
        : [{ Key: 'InstanceIds', Values: instanceIdList }];
  const parameterErrors = definitions === undefined ? {} : checkParameterValues(definitions, parameterValues);
  const errors: Record<string, string | undefined> = {
    name:
      name !== '' && !S.MaintenanceWindowName.safeParse(name).success
        ? 'Use 3 to 128 letters, digits, _ - .'
        : undefined,
    document: documentName === undefined ? 'Choose a document.' : documentError,
    priority:
      !S.MaintenanceWindowTaskPriority.safeParse(Number(priority)).success || priority.trim() === ''
        ? 'A whole number, 0 or more (lower runs first).'
        : undefined,
    targets: targets === undefined ? 'Choose the targets the task runs on.' : undefined,
    maxConcurrency: rateError('concurrency', maxConcurrency),
    maxErrors: rateError('errors', maxErrors),
    timeoutSeconds: !S.TimeoutSeconds.safeParse(Number(timeoutSeconds)).success
      ? 'From 30 to 2592000 seconds.'
      : undefined,
    comment: !S.Comment.safeParse(comment).success ? 'At most 100 characters.' : undefined,
    s3Bucket:
      isS3Output && !S.S3BucketName.safeParse(s3Bucket.trim()).success
        ? 'A bucket name of 3 to 63 characters.'
        : undefined,
    s3Prefix: isS3Output && !S.S3KeyPrefix.safeParse(s3Prefix.trim()).success ? 'At most 500 characters.' : undefined,
    logGroupName: isCloudWatchOutput && logGroupName.length > 512 ? 'At most 512 characters.' : undefined,
    notificationArn:
      isNotifying && !/^arn:[^:]+:sns:[^:]*:[^:]*:.+$/.test(notificationArn.trim())
        ? 'An SNS topic ARN: arn:aws:sns:<region>:<account>:<topic>.'
        : undefined,
    notificationEvents: isNotifying && notificationEvents.length === 0 ? 'Choose at least one event.' : undefined,
    alarmName:
      isAlarm && (alarmName.trim() === '' || alarmName.length > 255)
        ? 'An alarm name of 1 to 255 characters.'
        : undefined,
  };
  const hasErrors =
    Object.values(errors).some((error) => error !== undefined) || Object.keys(parameterErrors).length > 0;
  const errorAt = (field: string) => (isSubmitted ? errors[field] : undefined);

  const submit = async () => {
    setSubmitted(true);
    if (hasErrors || definitions === undefined || documentName === undefined) {
      return;
    }
    setBusy(true);
    setApiError(undefined);
    const settings = {
      WindowId: windowId,
      TaskArn: documentName,
      Targets: targets,
      Priority: Number(priority),
      MaxConcurrency: rateText(maxConcurrency),
      MaxErrors: rateText(maxErrors),
      CutoffBehavior: isCancelAtCutoff ? 'CANCEL_TASK' : 'CONTINUE_TASK',
      ...(name === '' ? {} : { Name: name }),
      ...(description.trim() === '' ? {} : { Description: description.trim() }),
      ...(serviceRoleArn.trim() === '' ? {} : { ServiceRoleArn: serviceRoleArn.trim() }),
      ...(isAlarm
        ? {
            AlarmConfiguration: {
              Alarms: [{ Name: alarmName.trim() }],
              IgnorePollAlarmFailure: isIgnorePollAlarmFailure,
            },
          }
        : {}),
      TaskInvocationParameters: {
        RunCommand: {
          Parameters: parametersRequest(definitions, parameterValues),
          TimeoutSeconds: Number(timeoutSeconds),
          ...(comment === '' ? {} : { Comment: comment }),
          ...(isS3Output
            ? {
                OutputS3BucketName: s3Bucket.trim(),
                ...(s3Prefix.trim() === '' ? {} : { OutputS3KeyPrefix: s3Prefix.trim() }),
              }
            : {}),
          ...(isCloudWatchOutput
            ? {
                CloudWatchOutputConfig: {
                  CloudWatchOutputEnabled: true,
                  ...(logGroupName.trim() === '' ? {} : { CloudWatchLogGroupName: logGroupName.trim() }),
                },
              }
            : {}),
          ...(isNotifying
            ? {
                NotificationConfig: {
                  NotificationArn: notificationArn.trim(),
                  NotificationEvents: notificationEvents,
                  NotificationType: notificationType,
                },
              }
            : {}),
        },
      },
    };
    try {
      if (isEdit) {
        // Replace: the form holds every setting, so a field emptied here is cleared; the members
        // the console does not show (TaskParameters, LoggingInfo) are kept as they were.
        await client.call('UpdateMaintenanceWindowTask', {
          ...settings,
          WindowTaskId: task.WindowTaskId,
          ...(task.TaskParameters === undefined ? {} : { TaskParameters: task.TaskParameters }),
          ...(task.LoggingInfo === undefined ? {} : { LoggingInfo: task.LoggingInfo }),
          Replace: true,
        });
        notify.success(`Saved the ${documentName} task.`);
      } else {
        await client.call('RegisterTaskWithMaintenanceWindow', {
          ...settings,
          TaskType: 'RUN_COMMAND',
          ClientToken: crypto.randomUUID(),
        });
        notify.success(`Registered the ${documentName} task.`);
      }
      navigate({ page: 'window', windowId, tab: 'tasks' });
    } catch (error) {
      setApiError(errorMessage(error));
    } finally {
      setBusy(false);
    }
  };

  const documentOptions = context.documents.map((document) => ({
    value: document.Name,
    label: document.Name,
    description: document.Owner === undefined ? undefined : `Owner: ${document.Owner}`,
    tags: document.PlatformTypes,
  }));
  const targetOptions = context.targets.map((target) => ({
    value: target.WindowTargetId,
    label: target.Name ?? target.WindowTargetId,
    description: formatTargets(target.Targets),
  }));

  return (
    <form
      aria-label={isEdit ? 'Edit Run Command task' : 'Register Run Command task'}
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <Form
        errorText={apiError ?? (isSubmitted && hasErrors ? 'Some fields need attention.' : undefined)}
        errorIconAriaLabel="Error"
        actions={
          <SpaceBetween direction="horizontal" size="xs">
            <Button
              variant="link"
              formAction="none"
              href={hrefOf({ page: 'window', windowId, tab: 'tasks' })}
              onFollow={followHash}
            >
              Cancel
            </Button>
            <Button variant="primary" formAction="submit" loading={isBusy}>
              {isEdit ? 'Save changes' : 'Register Run Command task'}
            </Button>
          </SpaceBetween>
        }
      >
        <SpaceBetween size="l">
          <Container header={<Header variant="h2">Task details</Header>}>
            <SpaceBetween size="l">
              <FormField
                label={
                  <>
                    Name <i>- optional</i>
                  </>
                }
                controlId="task-name"
                errorText={errorAt('name')}
              >
                <Input controlId="task-name" value={name} onChange={({ detail }) => setName(detail.value)} />
              </FormField>
              <FormField
                label={
                  <>
                    Description <i>- optional</i>
                  </>
                }
                controlId="task-description"
              >
                <Textarea
                  controlId="task-description"
                  rows={2}
                  value={description}
                  onChange={({ detail }) => setDescription(detail.value)}
                />
              </FormField>
            </SpaceBetween>
          </Container>
          <Container header={<Header variant="h2">Command document</Header>}>
            <SpaceBetween size="l">
              <FormField label="Document" controlId="task-document" errorText={errorAt('document') ?? documentError}>
                <Select
                  controlId="task-document"
                  filteringType="auto"
                  placeholder="Choose a document"
                  selectedOption={documentOptions.find((option) => option.value === documentName) ?? null}
                  options={documentOptions}
                  onChange={({ detail }) => void chooseDocument(detail.selectedOption.value!)}
                />
              </FormField>
              {documentName !== undefined && definitions === undefined && documentError === undefined && <Spinner />}
            </SpaceBetween>
          </Container>
          {definitions !== undefined && (
            <Container header={<Header variant="h2">Parameters</Header>}>
              <DocumentParametersForm
                definitions={definitions}
                values={parameterValues}
                errors={isSubmitted ? parameterErrors : {}}
                onChange={(parameter, value) => setParameterValues((current) => ({ ...current, [parameter]: value }))}
              />
            </Container>
          )}
          <Container header={<Header variant="h2">Targets</Header>}>
            <SpaceBetween size="l">
              <FormField
                label="Priority"
                controlId="task-priority"
                description="Lower numbers run first; tasks with the same priority run in parallel."
                errorText={errorAt('priority')}
              >
                <Input
                  controlId="task-priority"
                  type="number"
                  inputMode="numeric"
                  value={priority}
                  onChange={({ detail }) => setPriority(detail.value)}
                />
              </FormField>
              <FormField label="Targets by">
                <Tiles
                  ariaLabel="Targets by"
                  value={targetMode}
                  onChange={({ detail }) => setTargetMode(detail.value as TargetMode)}
                  items={[
                    { value: 'window-targets', label: 'Selecting registered target groups' },
                    {
                      value: 'instances',
                      label: 'Selecting unregistered targets',
                      description: 'Instance IDs; the window must allow unregistered targets.',
                      disabled: !context.window.AllowUnassociatedTargets,
                    },
                  ]}
                />
              </FormField>
              {targetMode === 'window-targets' ? (
                <FormField label="Registered targets" controlId="task-window-targets" errorText={errorAt('targets')}>
                  <Multiselect
                    controlId="task-window-targets"
                    placeholder={context.targets.length === 0 ? 'No targets registered yet' : 'Choose targets'}
                    selectedOptions={targetOptions.filter((option) => windowTargetIds.includes(option.value))}
                    options={targetOptions}
                    onChange={({ detail }) => setWindowTargetIds(detail.selectedOptions.map((option) => option.value!))}
                  />
                </FormField>
              ) : (
                <FormField
                  label="Instance IDs"
                  controlId="task-instance-ids"
                  constraintText="Separated by commas or spaces."
                  errorText={errorAt('targets')}
                >
                  <Input
                    controlId="task-instance-ids"
                    value={instanceIds}
                    onChange={({ detail }) => setInstanceIds(detail.value)}
                  />
                </FormField>
              )}
            </SpaceBetween>
          </Container>
          <Container header={<Header variant="h2">Rate control and timing</Header>}>
            <SpaceBetween size="l">
              <ColumnLayout columns={2}>
                <RateControlField
                  kind="concurrency"
                  label="Concurrency"
                  controlId="task-max-concurrency"
                  description="Targets that run the task at once: a number of targets or a percentage of them."
                  value={maxConcurrency}
                  isSubmitted={isSubmitted}
                  onChange={setMaxConcurrency}
                />
                <RateControlField
                  kind="errors"
                  label="Error threshold"
                  controlId="task-max-errors"
                  description="Stop sending the task to more targets after this many errors, or this percentage of them."
                  value={maxErrors}
                  isSubmitted={isSubmitted}
                  onChange={setMaxErrors}
                />
                <FormField
                  label="Timeout (seconds)"
                  controlId="task-timeout"
                  description="How long a command may wait to be delivered to a node: 30-2592000."
                  errorText={errorAt('timeoutSeconds')}
                >
                  <Input
                    controlId="task-timeout"
                    type="number"
                    inputMode="numeric"
                    value={timeoutSeconds}
                    onChange={({ detail }) => setTimeoutSeconds(detail.value)}
                  />
                </FormField>
                <FormField
                  label={
                    <>
                      Comment <i>- optional</i>
                    </>
                  }
                  controlId="task-comment"
                  errorText={errorAt('comment')}
                >
                  <Input controlId="task-comment" value={comment} onChange={({ detail }) => setComment(detail.value)} />
                </FormField>
              </ColumnLayout>
              <FormField
                label="New task invocation cutoff"
                description="At the window's cutoff, cancel invocations of this task that are still running (CANCEL_TASK); otherwise they continue."
              >
                <Checkbox
                  checked={isCancelAtCutoff}
                  onChange={({ detail }) => setCancelAtCutoff(detail.checked)}
                  ariaLabel="New task invocation cutoff"
                >
                  Enabled
                </Checkbox>
              </FormField>
              <FormField
                label={
                  <>
                    Service role <i>- optional</i>
                  </>
                }
                controlId="task-service-role"
                description="Default: the built-in service identity."
              >
                <Input
                  controlId="task-service-role"
                  value={serviceRoleArn}
                  onChange={({ detail }) => setServiceRoleArn(detail.value)}
                />
              </FormField>
            </SpaceBetween>
          </Container>
          <Container header={<Header variant="h2">Output options</Header>}>
            <SpaceBetween size="l">
              <Checkbox checked={isS3Output} onChange={({ detail }) => setS3Output(detail.checked)}>
                Write command output to an S3 bucket
              </Checkbox>
              {isS3Output && (
                <ColumnLayout columns={2}>
                  <FormField label="S3 bucket name" controlId="task-s3-bucket" errorText={errorAt('s3Bucket')}>
                    <Input
                      controlId="task-s3-bucket"
                      value={s3Bucket}
                      onChange={({ detail }) => setS3Bucket(detail.value)}
                    />
                  </FormField>
                  <FormField
                    label={
                      <>
                        S3 key prefix <i>- optional</i>
                      </>
                    }
                    controlId="task-s3-prefix"
                    errorText={errorAt('s3Prefix')}
                  >
                    <Input
                      controlId="task-s3-prefix"
                      value={s3Prefix}
                      onChange={({ detail }) => setS3Prefix(detail.value)}
                    />
                  </FormField>
                </ColumnLayout>
              )}
              <Checkbox checked={isCloudWatchOutput} onChange={({ detail }) => setCloudWatchOutput(detail.checked)}>
                Send command output to CloudWatch Logs
              </Checkbox>
              {isCloudWatchOutput && (
                <FormField
                  label={
                    <>
                      Log group name <i>- optional</i>
                    </>
                  }
                  controlId="task-log-group"
                  description="Default: /aws/ssm/<document name>."
                  errorText={errorAt('logGroupName')}
                >
                  <Input
                    controlId="task-log-group"
                    value={logGroupName}
                    onChange={({ detail }) => setLogGroupName(detail.value)}
                  />
                </FormField>
              )}
            </SpaceBetween>
          </Container>
          <Container header={<Header variant="h2">SNS notifications</Header>}>
            <SpaceBetween size="l">
              <Checkbox checked={isNotifying} onChange={({ detail }) => setNotifying(detail.checked)}>
                Notify on command status changes
              </Checkbox>
              {isNotifying && (
                <SpaceBetween size="l">
                  <FormField
                    label="SNS topic ARN"
                    controlId="task-notification-arn"
                    errorText={errorAt('notificationArn')}
                  >
                    <Input
                      controlId="task-notification-arn"
                      value={notificationArn}
                      placeholder="arn:aws:sns:us-east-1:123456789012:my-topic"
                      onChange={({ detail }) => setNotificationArn(detail.value)}
                    />
                  </FormField>
                  <ColumnLayout columns={2}>
                    <FormField
                      label="Events to notify about"
                      controlId="task-notification-events"
                      errorText={errorAt('notificationEvents')}
                    >
                      <Multiselect
                        controlId="task-notification-events"
                        placeholder="Choose events"
                        selectedOptions={notificationEvents.map((event) => ({ value: event, label: event }))}
                        options={NOTIFICATION_EVENTS.map((event) => ({ value: event, label: event }))}
                        onChange={({ detail }) =>
                          setNotificationEvents(detail.selectedOptions.map((option) => option.value!))
                        }
                      />
                    </FormField>
                    <FormField label="Notification type">
                      <RadioGroup
                        ariaLabel="Notification type"
                        value={notificationType}
                        onChange={({ detail }) => setNotificationType(detail.value)}
                        items={[
                          { value: 'Command', label: 'Command', description: 'The status of the whole command.' },
                          { value: 'Invocation', label: 'Invocation', description: 'The status on each node.' },
                        ]}
                      />
                    </FormField>
                  </ColumnLayout>
                </SpaceBetween>
              )}
            </SpaceBetween>
          </Container>
          <Container header={<Header variant="h2">CloudWatch alarm</Header>}>
            <SpaceBetween size="l">
              <Checkbox checked={isAlarm} onChange={({ detail }) => setAlarm(detail.checked)}>
                Stop the task when an alarm is in ALARM state
              </Checkbox>
              {isAlarm && (
                <SpaceBetween size="l">
                  <FormField label="Alarm name" controlId="task-alarm-name" errorText={errorAt('alarmName')}>
                    <Input
                      controlId="task-alarm-name"
                      value={alarmName}
                      onChange={({ detail }) => setAlarmName(detail.value)}
                    />
                  </FormField>
                  <Checkbox
                    checked={isIgnorePollAlarmFailure}
                    onChange={({ detail }) => setIgnorePollAlarmFailure(detail.checked)}
                  >
                    Ignore alarm poll failures (run even when the alarm state cannot be read)
                  </Checkbox>
                </SpaceBetween>
              )}
            </SpaceBetween>
          </Container>
        </SpaceBetween>
      </Form>
    </form>
  );
}

/** `windowTaskId`: edit that task; otherwise register a new one. */
export function RegisterTaskPage({ windowId, windowTaskId }: { windowId: string; windowTaskId?: string }) {
  const context = useApiQuery<WindowContext>(
    async (api) => {
      const [window, targets, documents, task] = await Promise.all([
        api.call<WindowDetails>('GetMaintenanceWindow', { WindowId: windowId }),
        api.callAll<{ Targets: WindowTarget[] }, 'Targets'>(
          'DescribeMaintenanceWindowTargets',
          { WindowId: windowId, MaxResults: 100 },
          'Targets',
        ),
        api.callAll<{ DocumentIdentifiers: DocumentIdentifier[] }, 'DocumentIdentifiers'>(
          'ListDocuments',
          { Filters: [{ Key: 'DocumentType', Values: ['Command'] }], MaxResults: 50 },
          'DocumentIdentifiers',
        ),
        windowTaskId === undefined
          ? undefined
          : api.call<WindowTaskDetails>('GetMaintenanceWindowTask', { WindowId: windowId, WindowTaskId: windowTaskId }),
      ]);
      return { window, targets, documents, task };
    },
    [windowId, windowTaskId],
  );
  const title = windowTaskId === undefined ? 'Register Run Command task' : 'Edit Run Command task';
  return (
    <ContentLayout
      breadcrumbs={
        <BreadcrumbGroup
          onFollow={followHash}
          ariaLabel="Breadcrumbs"
          items={[
            { text: 'Maintenance windows', href: hrefOf({ page: 'windows' }) },
            { text: context.data?.window.Name ?? windowId, href: hrefOf({ page: 'window', windowId, tab: 'tasks' }) },
            {
              text: title,
              href:
                windowTaskId === undefined
                  ? hrefOf({ page: 'register-task', windowId })
                  : hrefOf({ page: 'edit-task', windowId, windowTaskId }),
            },
          ]}
        />
      }
      header={
        <Header variant="h1" description={windowTaskId}>
          {title}
        </Header>
      }
    >
      {context.error !== undefined ? (
        <Alert type="error">{errorMessage(context.error)}</Alert>
      ) : context.data === undefined ? (
        <Spinner size="large" />
      ) : (
        <RegisterTaskForm key={windowTaskId ?? 'new'} windowId={windowId} context={context.data} />
      )}
    </ContentLayout>
  );
}
