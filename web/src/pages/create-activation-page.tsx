/**
 * Create activation: the CreateActivation form (description, default instance name, IAM role,
 * registration limit, expiration, tags). Once created, the activation id and code are shown
 * this one time, with the exact commands to paste on a node: `mado agent register` against this
 * server (the console's own origin), then `mado agent run`.
 */
import Alert from '@cloudscape-design/components/alert';
import AttributeEditor from '@cloudscape-design/components/attribute-editor';
import Box from '@cloudscape-design/components/box';
import BreadcrumbGroup from '@cloudscape-design/components/breadcrumb-group';
import Button from '@cloudscape-design/components/button';
import Container from '@cloudscape-design/components/container';
import ContentLayout from '@cloudscape-design/components/content-layout';
import CopyToClipboard from '@cloudscape-design/components/copy-to-clipboard';
import DatePicker from '@cloudscape-design/components/date-picker';
import Form from '@cloudscape-design/components/form';
import FormField from '@cloudscape-design/components/form-field';
import Header from '@cloudscape-design/components/header';
import Input from '@cloudscape-design/components/input';
import KeyValuePairs from '@cloudscape-design/components/key-value-pairs';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Textarea from '@cloudscape-design/components/textarea';
import { useState } from 'react';
import { useApi, useApiQuery } from '../api/api-context.js';
import { errorMessage } from '../api/ssm-client.js';
import type { Tag } from '../api/types.js';
import { useNotify } from '../components/notifications.js';
import { buildRegisterCommands, parseTagList, serverUrlOf } from '../fleet/register-command.js';
import { followHash, hrefOf, navigate } from '../router.js';

interface Created {
  readonly ActivationId: string;
  readonly ActivationCode: string;
}

const MAX_DAYS = 30;

function isoDate(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** The end of `day` (YYYY-MM-DD, local time), as epoch seconds; the activation expires then. */
function endOfDay(day: string): number {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  return Math.floor(new Date(year, month - 1, date, 23, 59, 0).getTime() / 1000);
}

function RegisterCommands({ created }: { created: Created }) {
  const [tagText, setTagText] = useState('');
  const parsed = parseTagList(tagText);
  const info = useApiQuery((client) => client.call<{ Fingerprint?: string }>('Mado.GetServerInfo'), []);
  const commands = buildRegisterCommands({
    serverUrl: serverUrlOf(window.location),
    ...(info.data?.Fingerprint === undefined ? {} : { serverFingerprint: info.data.Fingerprint }),
    activationId: created.ActivationId,
    activationCode: created.ActivationCode,
    tags: parsed.tags,
  });
  return (
    <SpaceBetween size="l">
      <Alert type="warning" header="Save the activation code now">
        The code is shown only this once: the server keeps only its hash. Copy the commands below before leaving this
        page.
      </Alert>
      <Container header={<Header variant="h2">Activation</Header>}>
        <KeyValuePairs
          columns={2}
          items={[
            {
              label: 'Activation ID',
              value: (
                <CopyToClipboard
                  variant="inline"
                  textToCopy={created.ActivationId}
                  copyButtonAriaLabel="Copy activation ID"
                  copySuccessText="Activation ID copied"
                  copyErrorText="Could not copy"
                />
              ),
            },
            {
              label: 'Activation code',
              value: (
                <CopyToClipboard
                  variant="inline"
                  textToCopy={created.ActivationCode}
                  copyButtonAriaLabel="Copy activation code"
                  copySuccessText="Activation code copied"
                  copyErrorText="Could not copy"
                />
              ),
            },
          ]}
        />
      </Container>
      <Container
        header={
          <Header
            variant="h2"
            description="Run these on each node, as root, where Node.js 20.10 or newer is installed. The node registers with this server and its agent starts."
            actions={
              <CopyToClipboard
                textToCopy={commands.script}
                copyButtonText="Copy commands"
                copySuccessText="Commands copied"
                copyErrorText="Could not copy"
              />
            }
          >
            Register a node
          </Header>
        }
      >
        <SpaceBetween size="m">
          <FormField
            label={
              <>
                Tags for the node <i>- optional</i>
              </>
            }
            description="Added to the command as --tag; the activation's own tags apply to every node anyway. Key=Value, one per line or separated by commas."
            errorText={parsed.errors.join(' ')}
            controlId="node-tags"
          >
            <Textarea
              controlId="node-tags"
              rows={2}
              value={tagText}
              onChange={({ detail }) => setTagText(detail.value)}
              placeholder="Env=prod"
            />
          </FormField>
          <Box variant="awsui-key-label">Commands</Box>
          <pre data-testid="register-command" aria-label="Commands to run on the node" className="mado-output">
            {commands.script}
          </pre>
        </SpaceBetween>
      </Container>
      <SpaceBetween direction="horizontal" size="xs">
        <Button onClick={() => navigate({ page: 'managed-nodes' })}>Go to managed nodes</Button>
        <Button variant="primary" onClick={() => navigate({ page: 'activations' })}>
          Done
        </Button>
      </SpaceBetween>
    </SpaceBetween>
  );
}

export function CreateActivationPage() {
  const client = useApi();
  const notify = useNotify();
  const [description, setDescription] = useState('');
  const [defaultName, setDefaultName] = useState('');
  const [iamRole, setIamRole] = useState('MadoNode');
  const [limit, setLimit] = useState('1');
  const [expiry, setExpiry] = useState('');
  const [tags, setTags] = useState<Tag[]>([]);
  const [isSubmitted, setSubmitted] = useState(false);
  const [isBusy, setBusy] = useState(false);
  const [apiError, setApiError] = useState<string | undefined>(undefined);
  const [created, setCreated] = useState<Created | undefined>(undefined);

  const today = new Date();
  const lastDay = new Date(today.getTime() + (MAX_DAYS - 1) * 86_400_000);
  const limitNumber = Number(limit);
  const errors = {
    iamRole: iamRole.trim() === '' ? 'Enter the IAM role the nodes get.' : undefined,
    limit:
      !Number.isInteger(limitNumber) || limitNumber < 1 || limitNumber > 1000
        ? 'Enter a whole number from 1 to 1000.'
        : undefined,
    expiry:
      expiry !== '' && (expiry < isoDate(today) || expiry > isoDate(lastDay))
        ? `Pick a day from today to ${isoDate(lastDay)} (at most ${MAX_DAYS} days).`
        : undefined,
    tags: tags.some((tag) => tag.Key.trim() === '') ? 'Every tag needs a key.' : undefined,
  };
  const shown = (message: string | undefined) => (isSubmitted ? message : undefined);

  const submit = async () => {
    setSubmitted(true);
    setApiError(undefined);
    if (Object.values(errors).some((message) => message !== undefined)) {
      return;
    }
    setBusy(true);
    try {
      const answer = await client.call<Created>('CreateActivation', {
        IamRole: iamRole.trim(),
        RegistrationLimit: limitNumber,
        ...(description.trim() === '' ? {} : { Description: description.trim() }),
        ...(defaultName.trim() === '' ? {} : { DefaultInstanceName: defaultName.trim() }),
        ...(expiry === '' ? {} : { ExpirationDate: endOfDay(expiry) }),
        ...(tags.length === 0 ? {} : { Tags: tags.map((tag) => ({ Key: tag.Key.trim(), Value: tag.Value })) }),
      });
      setCreated(answer);
      notify.success(`Created activation ${answer.ActivationId}.`);
    } catch (error) {
      setApiError(errorMessage(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <ContentLayout
      breadcrumbs={
        <BreadcrumbGroup
          onFollow={followHash}
          ariaLabel="Breadcrumbs"
          items={[
            { text: 'Hybrid activations', href: hrefOf({ page: 'activations' }) },
            { text: 'Create activation', href: hrefOf({ page: 'create-activation' }) },
          ]}
        />
      }
      header={
        <Header
          variant="h1"
          description="An activation lets up to its registration limit of nodes register with this server until it expires."
        >
          {created === undefined ? 'Create activation' : 'Activation created'}
        </Header>
      }
    >
      {created !== undefined ? (
        <RegisterCommands created={created} />
      ) : (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            void submit();
          }}
        >
          <Form
            errorText={
              apiError ?? (isSubmitted && Object.values(errors).some(Boolean) ? 'Some fields need attention.' : '')
            }
            actions={
              <SpaceBetween direction="horizontal" size="xs">
                <Button formAction="none" variant="link" onClick={() => navigate({ page: 'activations' })}>
                  Cancel
                </Button>
                <Button variant="primary" loading={isBusy}>
                  Create activation
                </Button>
              </SpaceBetween>
            }
          >
            <SpaceBetween size="l">
              <Container header={<Header variant="h2">Activation settings</Header>}>
                <SpaceBetween size="l">
                  <FormField
                    label={
                      <>
                        Activation description <i>- optional</i>
                      </>
                    }
                    controlId="activation-description"
                  >
                    <Textarea
                      controlId="activation-description"
                      rows={2}
                      value={description}
                      onChange={({ detail }) => setDescription(detail.value)}
                    />
                  </FormField>
                  <FormField
                    label={
                      <>
                        Default instance name <i>- optional</i>
                      </>
                    }
                    description="The name nodes get when they register without --name."
                    controlId="activation-default-name"
                  >
                    <Input
                      controlId="activation-default-name"
                      value={defaultName}
                      onChange={({ detail }) => setDefaultName(detail.value)}
                    />
                  </FormField>
                  <FormField
                    label="IAM role"
                    description="Recorded on every node registered with this activation."
                    errorText={shown(errors.iamRole)}
                    controlId="activation-role"
                  >
                    <Input
                      controlId="activation-role"
                      value={iamRole}
                      onChange={({ detail }) => setIamRole(detail.value)}
                    />
                  </FormField>
                  <FormField
                    label="Registration limit"
                    description="How many nodes can register with this activation (1 to 1000)."
                    errorText={shown(errors.limit)}
                    controlId="activation-limit"
                  >
                    <Input
                      controlId="activation-limit"
                      type="number"
                      inputMode="numeric"
                      value={limit}
                      onChange={({ detail }) => setLimit(detail.value)}
                    />
                  </FormField>
                  <FormField
                    label={
                      <>
                        Activation expiry date <i>- optional</i>
                      </>
                    }
                    description={`Expires at the end of that day, at most ${MAX_DAYS} days from now. Blank: 24 hours from now.`}
                    errorText={errors.expiry}
                    controlId="activation-expiry"
                  >
                    <DatePicker
                      controlId="activation-expiry"
                      value={expiry}
                      onChange={({ detail }) => setExpiry(detail.value)}
                      placeholder="YYYY/MM/DD"
                      openCalendarAriaLabel={(selected) =>
                        `Choose the expiry date${selected === null ? '' : `, selected ${selected}`}`
                      }
                      isDateEnabled={(date) => isoDate(date) >= isoDate(today) && isoDate(date) <= isoDate(lastDay)}
                    />
                  </FormField>
                </SpaceBetween>
              </Container>
              <Container
                header={
                  <Header variant="h2" description="Tags of the activation; every node registered with it gets them.">
                    Tags
                  </Header>
                }
              >
                <FormField errorText={shown(errors.tags)} stretch>
                  <AttributeEditor<Tag>
                    items={tags}
                    addButtonText="Add tag"
                    removeButtonText="Remove"
                    removeButtonAriaLabel={(tag) => `Remove tag ${tag.Key}`}
                    empty="No tags."
                    onAddButtonClick={() => setTags([...tags, { Key: '', Value: '' }])}
                    onRemoveButtonClick={({ detail }) => setTags(tags.filter((_, i) => i !== detail.itemIndex))}
                    definition={[
                      {
                        label: 'Key',
                        control: (tag, index) => (
                          <Input
                            ariaLabel={`Tag ${index + 1} key`}
                            value={tag.Key}
                            onChange={({ detail }) =>
                              setTags(tags.map((t, i) => (i === index ? { ...t, Key: detail.value } : t)))
                            }
                          />
                        ),
                      },
                      {
                        label: 'Value',
                        control: (tag, index) => (
                          <Input
                            ariaLabel={`Tag ${index + 1} value`}
                            value={tag.Value}
                            onChange={({ detail }) =>
                              setTags(tags.map((t, i) => (i === index ? { ...t, Value: detail.value } : t)))
                            }
                          />
                        ),
                      },
                    ]}
                  />
                </FormField>
              </Container>
            </SpaceBetween>
          </Form>
        </form>
      )}
    </ContentLayout>
  );
}
