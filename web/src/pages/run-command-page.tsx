/**
 * Run a command, as the SSM console's Run Command page: a Command document from the document
 * list with its parameters as a form (from the document's own definitions), targets picked from
 * the managed nodes or given by tags, rate control (concurrency and error threshold as a number
 * of targets or a percentage), timeout and comment. SendCommand, then the command's page.
 */
import Alert from '@cloudscape-design/components/alert';
import BreadcrumbGroup from '@cloudscape-design/components/breadcrumb-group';
import Button from '@cloudscape-design/components/button';
import ColumnLayout from '@cloudscape-design/components/column-layout';
import Container from '@cloudscape-design/components/container';
import ContentLayout from '@cloudscape-design/components/content-layout';
import Form from '@cloudscape-design/components/form';
import FormField from '@cloudscape-design/components/form-field';
import Header from '@cloudscape-design/components/header';
import Input from '@cloudscape-design/components/input';
import Multiselect from '@cloudscape-design/components/multiselect';
import SegmentedControl from '@cloudscape-design/components/segmented-control';
import Select from '@cloudscape-design/components/select';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Spinner from '@cloudscape-design/components/spinner';
import Tiles from '@cloudscape-design/components/tiles';
import { useState } from 'react';
import { useApi, useApiQuery } from '../api/api-context.js';
import { errorMessage } from '../api/ssm-client.js';
import type { DocumentIdentifier, InstanceInformation } from '../api/types.js';
import type { CommandWire } from '../commands/command-types.js';
import {
  checkRunCommandForm,
  INITIAL_FORM,
  sendCommandRequest,
  type RateMode,
  type RunCommandForm,
  type TargetMode,
} from '../commands/run-command-model.js';
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

interface RunContext {
  documents: DocumentIdentifier[];
  nodes: InstanceInformation[];
}

const RATE_OPTIONS = [
  { id: 'targets', text: 'Targets' },
  { id: 'percentage', text: 'Percentage' },
];

function RateField(props: {
  label: string;
  controlId: string;
  description: string;
  mode: RateMode;
  amount: string;
  error: string | undefined;
  onChange: (mode: RateMode, amount: string) => void;
}) {
  // The toggle sits outside the FormField, so that the field's label names only the amount.
  return (
    <SpaceBetween size="xs">
      <FormField
        label={props.label}
        controlId={props.controlId}
        description={props.description}
        errorText={props.error}
      >
        <Input
          controlId={props.controlId}
          type="number"
          inputMode="numeric"
          value={props.amount}
          onChange={({ detail }) => props.onChange(props.mode, detail.value)}
        />
      </FormField>
      <SegmentedControl
        label={`${props.label} as`}
        selectedId={props.mode}
        options={RATE_OPTIONS}
        onChange={({ detail }) => props.onChange(detail.selectedId as RateMode, props.amount)}
      />
    </SpaceBetween>
  );
}

function RunCommandFormView({ context }: { context: RunContext }) {
  const client = useApi();
  const notify = useNotify();
  const [form, setForm] = useState<RunCommandForm>(INITIAL_FORM);
  const [definitions, setDefinitions] = useState<ParameterDefinitions | undefined>(undefined);
  const [parameterValues, setParameterValues] = useState<Record<string, string>>({});
  const [documentError, setDocumentError] = useState<string | undefined>(undefined);
  const [isSubmitted, setSubmitted] = useState(false);
  const [apiError, setApiError] = useState<string | undefined>(undefined);
  const [isBusy, setBusy] = useState(false);
  const update = (changes: Partial<RunCommandForm>) => setForm((current) => ({ ...current, ...changes }));

  const chooseDocument = async (name: string) => {
    update({ documentName: name });
    setDefinitions(undefined);
    setDocumentError(undefined);
    try {
      const document = await client.call<{ Content: string }>('GetDocument', { Name: name, DocumentFormat: 'JSON' });
      const parsed = parameterDefinitionsOf(document.Content);
      setDefinitions(parsed);
      setParameterValues(initialParameterValues(parsed));
    } catch (error) {
      setDocumentError(errorMessage(error));
    }
  };

  const errors = checkRunCommandForm(form);
  const parameterErrors = definitions === undefined ? {} : checkParameterValues(definitions, parameterValues);
  const hasErrors =
    Object.keys(errors).length > 0 || Object.keys(parameterErrors).length > 0 || documentError !== undefined;
  const errorAt = (field: keyof typeof errors) => (isSubmitted ? errors[field] : undefined);

  const submit = async () => {
    setSubmitted(true);
    if (hasErrors || definitions === undefined) {
      return;
    }
    setBusy(true);
    setApiError(undefined);
    try {
      const sent = await client.call<{ Command: CommandWire }>(
        'SendCommand',
        sendCommandRequest(form, parametersRequest(definitions, parameterValues)),
      );
      notify.success(`Command ${sent.Command.CommandId} was sent to ${sent.Command.TargetCount ?? 0} targets.`);
      navigate({ page: 'command', commandId: sent.Command.CommandId });
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
  const nodeOptions = context.nodes.map((node) => ({
    value: node.InstanceId,
    label: node.InstanceId,
    description: [node.Name, node.ComputerName, node.IPAddress].filter(Boolean).join(' · ') || undefined,
    tags: [node.PingStatus ?? 'Unknown', node.PlatformName ?? node.PlatformType ?? ''].filter(Boolean),
  }));

  return (
    <form
      aria-label="Run a command"
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
            <Button variant="link" formAction="none" href={hrefOf({ page: 'commands' })} onFollow={followHash}>
              Cancel
            </Button>
            <Button variant="primary" formAction="submit" loading={isBusy}>
              Run
            </Button>
          </SpaceBetween>
        }
      >
        <SpaceBetween size="l">
          <Container header={<Header variant="h2">Command document</Header>}>
            <SpaceBetween size="l">
              <FormField label="Document" controlId="run-document" errorText={errorAt('document') ?? documentError}>
                <Select
                  controlId="run-document"
                  filteringType="auto"
                  placeholder="Choose a document"
                  selectedOption={documentOptions.find((option) => option.value === form.documentName) ?? null}
                  options={documentOptions}
                  onChange={({ detail }) => void chooseDocument(detail.selectedOption.value!)}
                />
              </FormField>
              {form.documentName !== undefined && definitions === undefined && documentError === undefined && (
                <Spinner />
              )}
            </SpaceBetween>
          </Container>
          {definitions !== undefined && (
            <Container header={<Header variant="h2">Command parameters</Header>}>
              <DocumentParametersForm
                definitions={definitions}
                values={parameterValues}
                errors={isSubmitted ? parameterErrors : {}}
                onChange={(parameter, value) => setParameterValues((current) => ({ ...current, [parameter]: value }))}
              />
            </Container>
          )}
          <Container header={<Header variant="h2">Target selection</Header>}>
            <SpaceBetween size="l">
              <FormField label="Targets by">
                <Tiles
                  ariaLabel="Targets by"
                  value={form.targetMode}
                  onChange={({ detail }) => update({ targetMode: detail.value as TargetMode })}
                  items={[
                    { value: 'instances', label: 'Choose instances manually' },
                    { value: 'tags', label: 'Specify instance tags' },
                  ]}
                />
              </FormField>
              {form.targetMode === 'instances' ? (
                <FormField
                  label="Target nodes"
                  controlId="run-nodes"
                  description="Managed nodes, from DescribeInstanceInformation."
                  errorText={errorAt('targets')}
                >
                  <Multiselect
                    controlId="run-nodes"
                    filteringType="auto"
                    placeholder={context.nodes.length === 0 ? 'No managed nodes yet' : 'Choose nodes'}
                    selectedOptions={nodeOptions.filter((option) => form.instanceIds.includes(option.value))}
                    options={nodeOptions}
                    tokenLimit={4}
                    onChange={({ detail }) =>
                      update({ instanceIds: detail.selectedOptions.map((option) => option.value!) })
                    }
                  />
                </FormField>
              ) : (
                <FormField
                  label="Instance tags"
                  description="Nodes with every one of these tags (values separated by commas: any of them)."
                  errorText={errorAt('targets')}
                >
                  <SpaceBetween size="xs">
                    {form.tags.map((tag, index) => (
                      <ColumnLayout columns={3} key={index}>
                        <Input
                          ariaLabel={`Tag key ${index + 1}`}
                          placeholder="Key, e.g. Env"
                          value={tag.key}
                          onChange={({ detail }) =>
                            update({
                              tags: form.tags.map((t, i) => (i === index ? { ...t, key: detail.value } : t)),
                            })
                          }
                        />
                        <Input
                          ariaLabel={`Tag values ${index + 1}`}
                          placeholder="Values, e.g. prod,staging"
                          value={tag.values}
                          onChange={({ detail }) =>
                            update({
                              tags: form.tags.map((t, i) => (i === index ? { ...t, values: detail.value } : t)),
                            })
                          }
                        />
                        <Button
                          formAction="none"
                          ariaLabel={`Remove tag ${index + 1}`}
                          disabled={form.tags.length === 1}
                          onClick={() => update({ tags: form.tags.filter((_, i) => i !== index) })}
                        >
                          Remove
                        </Button>
                      </ColumnLayout>
                    ))}
                    <Button
                      formAction="none"
                      disabled={form.tags.length >= 5}
                      onClick={() => update({ tags: [...form.tags, { key: '', values: '' }] })}
                    >
                      Add tag
                    </Button>
                  </SpaceBetween>
                </FormField>
              )}
            </SpaceBetween>
          </Container>
          <Container header={<Header variant="h2">Other parameters</Header>}>
            <ColumnLayout columns={2}>
              <FormField
                label="Timeout (seconds)"
                controlId="run-timeout"
                description="How long the command may wait to be delivered to a node: 30-2592000."
                errorText={errorAt('timeout')}
              >
                <Input
                  controlId="run-timeout"
                  type="number"
                  inputMode="numeric"
                  value={form.timeoutSeconds}
                  onChange={({ detail }) => update({ timeoutSeconds: detail.value })}
                />
              </FormField>
              <FormField
                label={
                  <>
                    Comment <i>- optional</i>
                  </>
                }
                controlId="run-comment"
                errorText={errorAt('comment')}
              >
                <Input
                  controlId="run-comment"
                  value={form.comment}
                  onChange={({ detail }) => update({ comment: detail.value })}
                />
              </FormField>
            </ColumnLayout>
          </Container>
          <Container header={<Header variant="h2">Rate control</Header>}>
            <ColumnLayout columns={2}>
              <RateField
                label="Concurrency"
                controlId="run-concurrency"
                description="Targets that run the command at once."
                mode={form.concurrencyMode}
                amount={form.concurrency}
                error={errorAt('concurrency')}
                onChange={(mode, amount) => update({ concurrencyMode: mode, concurrency: amount })}
              />
              <RateField
                label="Error threshold"
                controlId="run-max-errors"
                description="Stop sending the command to more targets after this many errors."
                mode={form.errorMode}
                amount={form.errorThreshold}
                error={errorAt('errors')}
                onChange={(mode, amount) => update({ errorMode: mode, errorThreshold: amount })}
              />
            </ColumnLayout>
          </Container>
        </SpaceBetween>
      </Form>
    </form>
  );
}

export function RunCommandPage() {
  const context = useApiQuery<RunContext>(async (api) => {
    const [documents, nodes] = await Promise.all([
      api.callAll<{ DocumentIdentifiers: DocumentIdentifier[] }, 'DocumentIdentifiers'>(
        'ListDocuments',
        { Filters: [{ Key: 'DocumentType', Values: ['Command'] }], MaxResults: 50 },
        'DocumentIdentifiers',
      ),
      api.callAll<{ InstanceInformationList: InstanceInformation[] }, 'InstanceInformationList'>(
        'DescribeInstanceInformation',
        { MaxResults: 50 },
        'InstanceInformationList',
      ),
    ]);
    return { documents, nodes };
  }, []);
  return (
    <ContentLayout
      breadcrumbs={
        <BreadcrumbGroup
          onFollow={followHash}
          ariaLabel="Breadcrumbs"
          items={[
            { text: 'Run Command', href: hrefOf({ page: 'commands' }) },
            { text: 'Run a command', href: hrefOf({ page: 'run-command' }) },
          ]}
        />
      }
      header={<Header variant="h1">Run a command</Header>}
    >
      {context.error !== undefined ? (
        <Alert type="error">{errorMessage(context.error)}</Alert>
      ) : context.data === undefined ? (
        <Spinner size="large" />
      ) : (
        <RunCommandFormView context={context.data} />
      )}
    </ContentLayout>
  );
}
