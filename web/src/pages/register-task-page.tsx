/**
 * Register a Run Command task: the document from the document list, its parameters as a form
 * (from the document's own definitions), priority, targets (registered window targets or, when
 * the window allows it, instance ids), rate control, new task invocation cutoff, timeout.
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
import Select from '@cloudscape-design/components/select';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Spinner from '@cloudscape-design/components/spinner';
import Textarea from '@cloudscape-design/components/textarea';
import Tiles from '@cloudscape-design/components/tiles';
import { useState } from 'react';
import * as S from '../../../src/api/wire/shapes.js';
import { useApi, useApiQuery } from '../api/api-context.js';
import { errorMessage } from '../api/ssm-client.js';
import type { DocumentIdentifier, WindowDetails, WindowTarget } from '../api/types.js';
import { DocumentParametersForm } from '../components/document-parameters-form.js';
import { useNotify } from '../components/notifications.js';
import {
  checkParameterValues,
  initialParameterValues,
  parameterDefinitionsOf,
  parametersRequest,
  type ParameterDefinitions,
} from '../documents/parameter-form-model.js';
import { followHash, hrefOf, navigate } from '../router.js';
import { formatTargets } from './window-targets-tab.js';

type TargetMode = 'window-targets' | 'instances';

interface WindowContext {
  window: WindowDetails;
  targets: WindowTarget[];
  documents: DocumentIdentifier[];
}

function RegisterTaskForm({ windowId, context }: { windowId: string; context: WindowContext }) {
  const client = useApi();
  const notify = useNotify();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [documentName, setDocumentName] = useState<string | undefined>(undefined);
  const [definitions, setDefinitions] = useState<ParameterDefinitions | undefined>(undefined);
  const [parameterValues, setParameterValues] = useState<Record<string, string>>({});
  const [documentError, setDocumentError] = useState<string | undefined>(undefined);
  const [priority, setPriority] = useState('1');
  const [targetMode, setTargetMode] = useState<TargetMode>('window-targets');
  const [windowTargetIds, setWindowTargetIds] = useState<string[]>(
    context.targets.length === 1 ? [context.targets[0]!.WindowTargetId] : [],
  );
  const [instanceIds, setInstanceIds] = useState('');
  const [maxConcurrency, setMaxConcurrency] = useState('1');
  const [maxErrors, setMaxErrors] = useState('1');
  const [isCancelAtCutoff, setCancelAtCutoff] = useState(false);
  const [timeoutSeconds, setTimeoutSeconds] = useState('600');
  const [comment, setComment] = useState('');
  const [serviceRoleArn, setServiceRoleArn] = useState('');
  const [isSubmitted, setSubmitted] = useState(false);
  const [apiError, setApiError] = useState<string | undefined>(undefined);
  const [isBusy, setBusy] = useState(false);

  const chooseDocument = async (nameChosen: string) => {
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
      setParameterValues(initialParameterValues(parsed));
    } catch (error) {
      setDocumentError(errorMessage(error));
    }
  };

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
    maxConcurrency: !S.MaxConcurrency.safeParse(maxConcurrency).success
      ? 'A number (1 or more) or a percentage (1%-100%).'
      : undefined,
    maxErrors: !S.MaxErrors.safeParse(maxErrors).success
      ? 'A number (0 or more) or a percentage (0%-100%).'
      : undefined,
    timeoutSeconds: !S.TimeoutSeconds.safeParse(Number(timeoutSeconds)).success
      ? 'From 30 to 2592000 seconds.'
      : undefined,
    comment: !S.Comment.safeParse(comment).success ? 'At most 100 characters.' : undefined,
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
    try {
      await client.call('RegisterTaskWithMaintenanceWindow', {
        WindowId: windowId,
        TaskType: 'RUN_COMMAND',
        TaskArn: documentName,
        Targets: targets,
        Priority: Number(priority),
        MaxConcurrency: maxConcurrency,
        MaxErrors: maxErrors,
        CutoffBehavior: isCancelAtCutoff ? 'CANCEL_TASK' : 'CONTINUE_TASK',
        ...(name === '' ? {} : { Name: name }),
        ...(description.trim() === '' ? {} : { Description: description.trim() }),
        ...(serviceRoleArn.trim() === '' ? {} : { ServiceRoleArn: serviceRoleArn.trim() }),
        TaskInvocationParameters: {
          RunCommand: {
            Parameters: parametersRequest(definitions, parameterValues),
            TimeoutSeconds: Number(timeoutSeconds),
            ...(comment === '' ? {} : { Comment: comment }),
          },
        },
        ClientToken: crypto.randomUUID(),
      });
      notify.success(`Registered the ${documentName} task.`);
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
      aria-label="Register Run Command task"
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
              Register Run Command task
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
                <FormField
                  label="Concurrency"
                  controlId="task-max-concurrency"
                  description="Targets that run the task at once: a number or a percentage."
                  errorText={errorAt('maxConcurrency')}
                >
                  <Input
                    controlId="task-max-concurrency"
                    value={maxConcurrency}
                    onChange={({ detail }) => setMaxConcurrency(detail.value)}
                  />
                </FormField>
                <FormField
                  label="Error threshold"
                  controlId="task-max-errors"
                  description="Stop sending the task to more targets after this many errors: a number or a percentage."
                  errorText={errorAt('maxErrors')}
                >
                  <Input
                    controlId="task-max-errors"
                    value={maxErrors}
                    onChange={({ detail }) => setMaxErrors(detail.value)}
                  />
                </FormField>
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
                <Checkbox checked={isCancelAtCutoff} onChange={({ detail }) => setCancelAtCutoff(detail.checked)}>
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
        </SpaceBetween>
      </Form>
    </form>
  );
}

export function RegisterTaskPage({ windowId }: { windowId: string }) {
  const context = useApiQuery<WindowContext>(
    async (api) => {
      const [window, targets, documents] = await Promise.all([
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
      ]);
      return { window, targets, documents };
    },
    [windowId],
  );
  return (
    <ContentLayout
      breadcrumbs={
        <BreadcrumbGroup
          onFollow={followHash}
          ariaLabel="Breadcrumbs"
          items={[
            { text: 'Maintenance windows', href: hrefOf({ page: 'windows' }) },
            { text: context.data?.window.Name ?? windowId, href: hrefOf({ page: 'window', windowId, tab: 'tasks' }) },
            { text: 'Register Run Command task', href: hrefOf({ page: 'register-task', windowId }) },
          ]}
        />
      }
      header={<Header variant="h1">Register Run Command task</Header>}
    >
      {context.error !== undefined ? (
        <Alert type="error">{errorMessage(context.error)}</Alert>
      ) : context.data === undefined ? (
        <Spinner size="large" />
      ) : (
        <RegisterTaskForm windowId={windowId} context={context.data} />
      )}
    </ContentLayout>
  );
}
