/**
 * The managed node, activation and Run Command operations through the unmodified
 * @aws-sdk/client-ssm against the real server process, for everything that needs no agent:
 * activations, an empty fleet, SendCommand's checks, a command whose targets match no node and
 * the listings that find it, resource groups through Mado's own operations, and bad input for
 * every new operation. Each error case asserts the exact wire error name.
 */
import {
  CancelCommandCommand,
  CreateActivationCommand,
  DeleteActivationCommand,
  DeregisterManagedInstanceCommand,
  DescribeActivationsCommand,
  DescribeInstanceInformationCommand,
  GetCommandInvocationCommand,
  ListCommandInvocationsCommand,
  ListCommandsCommand,
  SendCommandCommand,
  type Command,
  type ListCommandsCommandInput,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callRaw } from '../support/raw-client.js';
import { startServerProcess, type Credentials, type ServerProcess } from '../support/server-process.js';

const UNKNOWN_NODE = 'mi-0123456789abcdef0';
const OTHER_NODE = 'mi-0123456789abcdef1';
const UNKNOWN_UUID = '00000000-0000-4000-8000-000000000000';
const DAY_MS = 24 * 60 * 60 * 1000;
const RUN_SHELL = { DocumentName: 'AWS-RunShellScript', Parameters: { commands: ['echo hello'] } };
/** A tag no node carries: the server has no nodes at all. */
const NOBODY = [{ Key: 'tag:Role', Values: ['nobody'] }];

let server: ServerProcess;
let ssm: SSMClient;

/** The wire error name an SDK call is rejected with. */
async function errorName(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as Error).name;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

/** The rejection itself, for its message. */
async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

function mado(operation: string, body: Record<string, unknown>, credentials?: Credentials) {
  return callRaw(server.url, `Mado.${operation}`, body, { credentials });
}

beforeAll(async () => {
  server = await startServerProcess();
  ssm = server.client();
});

afterAll(async () => {
  await server.dispose();
});

describe('activations', () => {
  it('creates an activation that DescribeActivations shows with its counts, unexpired and without its code', async () => {
    const expiration = new Date(Date.now() + 2 * DAY_MS);
    const created = await ssm.send(
      new CreateActivationCommand({
        IamRole: 'SSMServiceRole',
        Description: 'web fleet',
        DefaultInstanceName: 'web',
        RegistrationLimit: 5,
        ExpirationDate: expiration,
        Tags: [{ Key: 'Env', Value: 'Prod' }],
      }),
    );
    expect(created.ActivationId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(created.ActivationCode).toHaveLength(20);

    const { ActivationList } = await ssm.send(
      new DescribeActivationsCommand({
        Filters: [{ FilterKey: 'ActivationIds', FilterValues: [created.ActivationId!] }],
      }),
    );
    expect(ActivationList).toHaveLength(1);
    const activation = ActivationList![0]!;
    expect(activation).toMatchObject({
      ActivationId: created.ActivationId,
      Description: 'web fleet',
      DefaultInstanceName: 'web',
      IamRole: 'SSMServiceRole',
      RegistrationLimit: 5,
      RegistrationsCount: 0,
      Expired: false,
      Tags: [{ Key: 'Env', Value: 'Prod' }],
    });
    expect(Math.abs(activation.ExpirationDate!.getTime() - expiration.getTime())).toBeLessThan(1000);
    expect(Math.abs(activation.CreatedDate!.getTime() - Date.now())).toBeLessThan(60_000);
    expect(JSON.stringify(activation)).not.toContain(created.ActivationCode!);
    expect(activation).not.toHaveProperty('ActivationCode');
  });

  it('defaults to one registration and an expiry 24 hours ahead', async () => {
    const created = await ssm.send(new CreateActivationCommand({ IamRole: 'DefaultsRole' }));
    const { ActivationList } = await ssm.send(
      new DescribeActivationsCommand({
        Filters: [{ FilterKey: 'ActivationIds', FilterValues: [created.ActivationId!] }],
      }),
    );
    expect(ActivationList![0]!.RegistrationLimit).toBe(1);
    expect(Math.abs(ActivationList![0]!.ExpirationDate!.getTime() - (Date.now() + DAY_MS))).toBeLessThan(60_000);
  });

  it('filters activations by default instance name and IAM role, AND-ing the filters', async () => {
    const a = await ssm.send(new CreateActivationCommand({ IamRole: 'FilterRoleA', DefaultInstanceName: 'filter-db' }));
    const b = await ssm.send(new CreateActivationCommand({ IamRole: 'FilterRoleB', DefaultInstanceName: 'filter-db' }));
    const byName = await ssm.send(
      new DescribeActivationsCommand({ Filters: [{ FilterKey: 'DefaultInstanceName', FilterValues: ['filter-db'] }] }),
    );
    expect(byName.ActivationList!.map((entry) => entry.ActivationId).sort()).toEqual(
      [a.ActivationId, b.ActivationId].sort(),
    );
    const byBoth = await ssm.send(
      new DescribeActivationsCommand({
        Filters: [
          { FilterKey: 'DefaultInstanceName', FilterValues: ['filter-db'] },
          { FilterKey: 'IamRole', FilterValues: ['FilterRoleB'] },
        ],
      }),
    );
    expect(byBoth.ActivationList!.map((entry) => entry.ActivationId)).toEqual([b.ActivationId]);
  });

  it('pages activations and answers InvalidNextToken for a token it did not issue', async () => {
    const first = await ssm.send(new DescribeActivationsCommand({ MaxResults: 1 }));
    expect(first.ActivationList).toHaveLength(1);
    expect(first.NextToken).toEqual(expect.any(String));
    const second = await ssm.send(new DescribeActivationsCommand({ MaxResults: 1, NextToken: first.NextToken }));
    expect(second.ActivationList![0]!.ActivationId).not.toBe(first.ActivationList![0]!.ActivationId);
    expect(await errorName(ssm.send(new DescribeActivationsCommand({ NextToken: 'forged.token' })))).toBe(
      'InvalidNextToken',
    );
  });

  it('answers InvalidFilter for an unknown activation filter key', async () => {
    expect(
      await errorName(
        ssm.send(new DescribeActivationsCommand({ Filters: [{ FilterKey: 'Colour' as never, FilterValues: ['x'] }] })),
      ),
    ).toBe('InvalidFilter');
  });

  it('deletes an activation, then answers InvalidActivation when it is deleted again', async () => {
    const created = await ssm.send(new CreateActivationCommand({ IamRole: 'DeleteRole' }));
    await ssm.send(new DeleteActivationCommand({ ActivationId: created.ActivationId }));
    const { ActivationList } = await ssm.send(
      new DescribeActivationsCommand({
        Filters: [{ FilterKey: 'ActivationIds', FilterValues: [created.ActivationId!] }],
      }),
    );
    expect(ActivationList).toEqual([]);
    expect(await errorName(ssm.send(new DeleteActivationCommand({ ActivationId: created.ActivationId })))).toBe(
      'InvalidActivation',
    );
  });

  it('answers InvalidActivationId for an unknown activation', async () => {
    expect(await errorName(ssm.send(new DeleteActivationCommand({ ActivationId: UNKNOWN_UUID })))).toBe(
      'InvalidActivationId',
    );
  });

  it.each([
    ['in the past', -60_000],
    ['more than 30 days ahead', 31 * DAY_MS],
  ])('answers InvalidParameters for an ExpirationDate %s', async (_name, offsetMs) => {
    const error = await rejection(
      ssm.send(new CreateActivationCommand({ IamRole: 'Role', ExpirationDate: new Date(Date.now() + offsetMs) })),
    );
    expect(error.name).toBe('InvalidParameters');
    expect(error.message).toContain('ExpirationDate');
  });
});

describe('managed nodes', () => {
  it('describes an empty fleet as an empty list without a NextToken', async () => {
    const answer = await ssm.send(new DescribeInstanceInformationCommand({}));
    expect(answer.InstanceInformationList).toEqual([]);
    expect(answer.NextToken).toBeUndefined();
  });

  it('accepts known filters of both styles on an empty fleet', async () => {
    const modern = await ssm.send(
      new DescribeInstanceInformationCommand({
        Filters: [
          { Key: 'PingStatus', Values: ['Online', 'ConnectionLost'] },
          { Key: 'tag:Env', Values: ['Prod'] },
          { Key: 'tag-key', Values: ['Owner'] },
        ],
        MaxResults: 5,
      }),
    );
    expect(modern.InstanceInformationList).toEqual([]);
    const legacy = await ssm.send(
      new DescribeInstanceInformationCommand({
        InstanceInformationFilterList: [{ key: 'PlatformTypes', valueSet: ['Linux'] }],
      }),
    );
    expect(legacy.InstanceInformationList).toEqual([]);
  });

  it('answers ValidationException when both filter styles are given', async () => {
    expect(
      await errorName(
        ssm.send(
          new DescribeInstanceInformationCommand({
            Filters: [{ Key: 'PingStatus', Values: ['Online'] }],
            InstanceInformationFilterList: [{ key: 'PingStatus', valueSet: ['Online'] }],
          }),
        ),
      ),
    ).toBe('ValidationException');
  });

  it.each([
    ['Filters', { Filters: [{ Key: 'Colour', Values: ['Blue'] }] }],
    ['the legacy list', { InstanceInformationFilterList: [{ key: 'Colour', valueSet: ['Blue'] }] }],
  ])('answers InvalidFilterKey for an unknown key in %s', async (_name, input) => {
    expect(await errorName(ssm.send(new DescribeInstanceInformationCommand(input as never)))).toBe('InvalidFilterKey');
  });

  it('answers InvalidInstanceInformationFilterValue with a lower-case message member for a bad PingStatus', async () => {
    expect(
      await errorName(
        ssm.send(new DescribeInstanceInformationCommand({ Filters: [{ Key: 'PingStatus', Values: ['Sleeping'] }] })),
      ),
    ).toBe('InvalidInstanceInformationFilterValue');
    const raw = await callRaw(server.url, 'AmazonSSM.DescribeInstanceInformation', {
      InstanceInformationFilterList: [{ key: 'PlatformTypes', valueSet: ['Solaris'] }],
    });
    expect(raw.status).toBe(400);
    expect(raw.body.__type).toBe('InvalidInstanceInformationFilterValue');
    expect(raw.body.message).toContain('Solaris');
    expect(raw.body).not.toHaveProperty('Message');
  });

  it('answers InvalidInstanceId for an InstanceIds filter naming an unknown node', async () => {
    expect(
      await errorName(
        ssm.send(new DescribeInstanceInformationCommand({ Filters: [{ Key: 'InstanceIds', Values: [UNKNOWN_NODE] }] })),
      ),
    ).toBe('InvalidInstanceId');
  });

  it.each([4, 51])('answers ValidationException for MaxResults %i', async (maxResults) => {
    expect(await errorName(ssm.send(new DescribeInstanceInformationCommand({ MaxResults: maxResults })))).toBe(
      'ValidationException',
    );
  });

  it('answers InvalidNextToken for a token it did not issue', async () => {
    expect(await errorName(ssm.send(new DescribeInstanceInformationCommand({ NextToken: 'forged.token' })))).toBe(
      'InvalidNextToken',
    );
  });

  it('answers InvalidInstanceId when deregistering an unknown node', async () => {
    expect(await errorName(ssm.send(new DeregisterManagedInstanceCommand({ InstanceId: UNKNOWN_NODE })))).toBe(
      'InvalidInstanceId',
    );
  });
});

describe('SendCommand checks', () => {
  it.each([
    ['neither InstanceIds nor Targets', {}],
    ['both InstanceIds and Targets', { InstanceIds: [UNKNOWN_NODE], Targets: NOBODY }],
  ])('answers ValidationException for %s', async (_name, selection) => {
    expect(await errorName(ssm.send(new SendCommandCommand({ ...RUN_SHELL, ...selection })))).toBe(
      'ValidationException',
    );
  });

  it('answers InvalidDocument for an unknown document', async () => {
    expect(
      await errorName(ssm.send(new SendCommandCommand({ DocumentName: 'No-Such-Document', Targets: NOBODY }))),
    ).toBe('InvalidDocument');
  });

  it('answers InvalidDocumentVersion for a version the document does not have', async () => {
    expect(
      await errorName(ssm.send(new SendCommandCommand({ ...RUN_SHELL, DocumentVersion: '7', Targets: NOBODY }))),
    ).toBe('InvalidDocumentVersion');
  });

  it.each([
    ['a non-numeric executionTimeout', { commands: ['true'], executionTimeout: ['abc'] }, 'executionTimeout'],
    ['an unknown parameter name', { commands: ['true'], colour: ['blue'] }, 'colour'],
    ['a missing required parameter', { workingDirectory: ['/tmp'] }, 'commands'],
  ])('answers InvalidParameters naming the parameter for %s', async (_name, parameters, named) => {
    const error = await rejection(
      ssm.send(new SendCommandCommand({ DocumentName: 'AWS-RunShellScript', Parameters: parameters, Targets: NOBODY })),
    );
    expect(error.name).toBe('InvalidParameters');
    expect(error.message).toContain(named);
  });

  it('answers InvalidInstanceId for a node that is not registered', async () => {
    expect(await errorName(ssm.send(new SendCommandCommand({ ...RUN_SHELL, InstanceIds: [UNKNOWN_NODE] })))).toBe(
      'InvalidInstanceId',
    );
  });

  it('answers DuplicateInstanceId for a node listed twice', async () => {
    expect(
      await errorName(ssm.send(new SendCommandCommand({ ...RUN_SHELL, InstanceIds: [UNKNOWN_NODE, UNKNOWN_NODE] }))),
    ).toBe('DuplicateInstanceId');
  });

  it.each(['0', 'abc', '101%', '12345678'])(
    'answers ValidationException naming maxConcurrency for MaxConcurrency %s',
    async (value) => {
      const error = await rejection(
        ssm.send(new SendCommandCommand({ ...RUN_SHELL, Targets: NOBODY, MaxConcurrency: value })),
      );
      expect(error.name).toBe('ValidationException');
      expect(error.message).toContain('maxConcurrency');
    },
  );

  it('answers ValidationException for window target ids as command targets', async () => {
    expect(
      await errorName(
        ssm.send(
          new SendCommandCommand({ ...RUN_SHELL, Targets: [{ Key: 'WindowTargetIds', Values: [UNKNOWN_UUID] }] }),
        ),
      ),
    ).toBe('ValidationException');
  });

  it('answers ValidationException for a malformed node id', async () => {
    expect(await errorName(ssm.send(new SendCommandCommand({ ...RUN_SHELL, InstanceIds: ['mi-123'] })))).toBe(
      'ValidationException',
    );
  });
});

describe('a command whose targets match no node', () => {
  let command: Command;
  let sentAt: number;

  beforeAll(async () => {
    sentAt = Date.now();
    const answer = await ssm.send(
      new SendCommandCommand({
        ...RUN_SHELL,
        Parameters: { commands: ['echo hello'], executionTimeout: ['100'] },
        Targets: NOBODY,
        TimeoutSeconds: 600,
        Comment: 'nobody home',
      }),
    );
    command = answer.Command!;
  });

  it('is complete at once: TargetCount 0, Success, NoInstancesInTag', () => {
    expect(command).toMatchObject({
      DocumentName: 'AWS-RunShellScript',
      TargetCount: 0,
      CompletedCount: 0,
      ErrorCount: 0,
      DeliveryTimedOutCount: 0,
      Status: 'Success',
      StatusDetails: 'NoInstancesInTag',
    });
    expect(command.CommandId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("echoes the request with AWS's empty values for what was not given", () => {
    expect(command).toMatchObject({
      DocumentVersion: '',
      Comment: 'nobody home',
      Parameters: { commands: ['echo hello'], executionTimeout: ['100'] },
      InstanceIds: [],
      Targets: NOBODY,
      OutputS3BucketName: '',
      OutputS3KeyPrefix: '',
      ServiceRole: '',
      MaxConcurrency: '50',
      MaxErrors: '0',
      TimeoutSeconds: 600,
      NotificationConfig: { NotificationArn: '', NotificationEvents: [], NotificationType: '' },
      CloudWatchOutputConfig: { CloudWatchLogGroupName: '', CloudWatchOutputEnabled: false },
    });
  });

  it('expires TimeoutSeconds plus the execution timeout after it was requested', () => {
    expect(command.RequestedDateTime!.getTime()).toBeGreaterThanOrEqual(sentAt - 1000);
    expect(command.ExpiresAfter!.getTime() - command.RequestedDateTime!.getTime()).toBe(700_000);
  });

  it('echoes a DocumentVersion that was given', async () => {
    const answer = await ssm.send(
      new SendCommandCommand({ ...RUN_SHELL, DocumentVersion: '$DEFAULT', Targets: NOBODY }),
    );
    expect(answer.Command!.DocumentVersion).toBe('$DEFAULT');
  });

  it('is found by ListCommands by id and by each filter', async () => {
    const find = async (input: ListCommandsCommandInput) =>
      (await ssm.send(new ListCommandsCommand(input))).Commands!.map((entry) => entry.CommandId);
    const byId = await ssm.send(new ListCommandsCommand({ CommandId: command.CommandId }));
    expect(byId.Commands).toHaveLength(1);
    expect(byId.Commands![0]).toMatchObject({ CommandId: command.CommandId, StatusDetails: 'NoInstancesInTag' });
    expect(await find({})).toContain(command.CommandId);
    expect(await find({ Filters: [{ key: 'Status', value: 'Success' }] })).toContain(command.CommandId);
    expect(await find({ Filters: [{ key: 'Status', value: 'NoInstancesInTag' }] })).toContain(command.CommandId);
    expect(await find({ Filters: [{ key: 'Status', value: 'Failed' }] })).not.toContain(command.CommandId);
    expect(await find({ Filters: [{ key: 'DocumentName', value: 'AWS-RunShellScript' }] })).toContain(
      command.CommandId,
    );
    expect(await find({ Filters: [{ key: 'DocumentName', value: 'AWS-UpdateSSMAgent' }] })).not.toContain(
      command.CommandId,
    );
    const before = new Date(command.RequestedDateTime!.getTime() - 60_000).toISOString();
    const after = new Date(command.RequestedDateTime!.getTime() + 60_000).toISOString();
    expect(await find({ Filters: [{ key: 'InvokedAfter', value: before }] })).toContain(command.CommandId);
    expect(await find({ Filters: [{ key: 'InvokedAfter', value: after }] })).not.toContain(command.CommandId);
    expect(await find({ Filters: [{ key: 'InvokedBefore', value: after }] })).toContain(command.CommandId);
    expect(await find({ Filters: [{ key: 'ExecutionStage', value: 'Complete' }] })).toContain(command.CommandId);
    expect(await find({ Filters: [{ key: 'ExecutionStage', value: 'Executing' }] })).not.toContain(command.CommandId);
  });

  it('lists commands newest first and pages them with a NextToken', async () => {
    const first = await ssm.send(new ListCommandsCommand({ MaxResults: 1 }));
    expect(first.NextToken).toEqual(expect.any(String));
    const second = await ssm.send(new ListCommandsCommand({ MaxResults: 1, NextToken: first.NextToken }));
    expect(second.Commands![0]!.RequestedDateTime!.getTime()).toBeLessThanOrEqual(
      first.Commands![0]!.RequestedDateTime!.getTime(),
    );
    expect(second.Commands![0]!.CommandId).not.toBe(first.Commands![0]!.CommandId);
  });

  it('answers InvalidFilterKey to ListCommands for an unknown filter key', async () => {
    expect(
      await errorName(ssm.send(new ListCommandsCommand({ Filters: [{ key: 'Owner' as never, value: 'me' }] }))),
    ).toBe('InvalidFilterKey');
  });

  it('answers ValidationException to ListCommands for an unknown Status value', async () => {
    expect(await errorName(ssm.send(new ListCommandsCommand({ Filters: [{ key: 'Status', value: 'Done' }] })))).toBe(
      'ValidationException',
    );
  });

  it('answers ValidationException to ListCommands for a node with the Pending status', async () => {
    expect(
      await errorName(
        ssm.send(new ListCommandsCommand({ InstanceId: UNKNOWN_NODE, Filters: [{ key: 'Status', value: 'Pending' }] })),
      ),
    ).toBe('ValidationException');
  });

  it('answers InvalidCommandId to ListCommands for an unknown command', async () => {
    expect(await errorName(ssm.send(new ListCommandsCommand({ CommandId: UNKNOWN_UUID })))).toBe('InvalidCommandId');
  });

  it('answers InvalidNextToken to ListCommands for a token it did not issue', async () => {
    expect(await errorName(ssm.send(new ListCommandsCommand({ NextToken: 'forged.token' })))).toBe('InvalidNextToken');
  });

  it('has no invocations, and ListCommandInvocations of an unknown command is empty too', async () => {
    for (const details of [false, true]) {
      const own = await ssm.send(new ListCommandInvocationsCommand({ CommandId: command.CommandId, Details: details }));
      expect(own.CommandInvocations).toEqual([]);
    }
    const unknown = await ssm.send(new ListCommandInvocationsCommand({ CommandId: UNKNOWN_UUID }));
    expect(unknown.CommandInvocations).toEqual([]);
    expect(unknown.NextToken).toBeUndefined();
  });

  it('answers InvalidFilterKey to ListCommandInvocations for ExecutionStage', async () => {
    expect(
      await errorName(
        ssm.send(new ListCommandInvocationsCommand({ Filters: [{ key: 'ExecutionStage', value: 'Complete' }] })),
      ),
    ).toBe('InvalidFilterKey');
  });

  it('answers InvocationDoesNotExist to GetCommandInvocation for a node it did not target', async () => {
    expect(
      await errorName(
        ssm.send(new GetCommandInvocationCommand({ CommandId: command.CommandId, InstanceId: UNKNOWN_NODE })),
      ),
    ).toBe('InvocationDoesNotExist');
  });

  it('answers InvalidCommandId to GetCommandInvocation for an unknown command', async () => {
    expect(
      await errorName(ssm.send(new GetCommandInvocationCommand({ CommandId: UNKNOWN_UUID, InstanceId: UNKNOWN_NODE }))),
    ).toBe('InvalidCommandId');
  });

  it('answers InvalidInstanceId to CancelCommand for a node the command does not target', async () => {
    expect(
      await errorName(
        ssm.send(new CancelCommandCommand({ CommandId: command.CommandId, InstanceIds: [UNKNOWN_NODE] })),
      ),
    ).toBe('InvalidInstanceId');
  });

  it('answers DuplicateInstanceId to CancelCommand for a node listed twice', async () => {
    expect(
      await errorName(
        ssm.send(new CancelCommandCommand({ CommandId: command.CommandId, InstanceIds: [OTHER_NODE, OTHER_NODE] })),
      ),
    ).toBe('DuplicateInstanceId');
  });

  it('accepts CancelCommand of a finished command and leaves it as it was', async () => {
    await ssm.send(new CancelCommandCommand({ CommandId: command.CommandId }));
    const { Commands } = await ssm.send(new ListCommandsCommand({ CommandId: command.CommandId }));
    expect(Commands![0]).toMatchObject({ Status: 'Success', StatusDetails: 'NoInstancesInTag' });
  });

  it('answers InvalidCommandId to CancelCommand for an unknown command', async () => {
    expect(await errorName(ssm.send(new CancelCommandCommand({ CommandId: UNKNOWN_UUID })))).toBe('InvalidCommandId');
  });
});

describe('resource groups', () => {
  it('creates, lists, targets and deletes a resource group through Mado operations', async () => {
    const created = await mado('CreateResourceGroup', {
      Name: 'web-servers',
      Description: 'front ends',
      Targets: [{ Key: 'tag:Role', Values: ['web'] }],
    });
    expect(created.status).toBe(200);
    expect(created.body.ResourceGroup).toMatchObject({
      Name: 'web-servers',
      Description: 'front ends',
      Targets: [{ Key: 'tag:Role', Values: ['web'] }],
      CreatedDate: expect.any(Number),
    });

    const listed = await mado('ListResourceGroups', {});
    expect(listed.body.ResourceGroups).toEqual([created.body.ResourceGroup]);

    const sent = await ssm.send(
      new SendCommandCommand({ ...RUN_SHELL, Targets: [{ Key: 'resource-groups:Name', Values: ['web-servers'] }] }),
    );
    expect(sent.Command).toMatchObject({ TargetCount: 0, StatusDetails: 'NoInstancesInTag' });

    expect((await mado('DeleteResourceGroup', { Name: 'web-servers' })).status).toBe(200);
    expect((await mado('ListResourceGroups', {})).body.ResourceGroups).toEqual([]);
  });

  it('answers ValidationException when deleting a resource group that does not exist', async () => {
    const answer = await mado('DeleteResourceGroup', { Name: 'never-created' });
    expect(answer.status).toBe(400);
    expect(answer.body.__type).toBe('ValidationException');
  });

  it('answers ValidationException to SendCommand for a resource group that does not exist', async () => {
    expect(
      await errorName(
        ssm.send(
          new SendCommandCommand({ ...RUN_SHELL, Targets: [{ Key: 'resource-groups:Name', Values: ['ghosts'] }] }),
        ),
      ),
    ).toBe('ValidationException');
  });

  it.each([
    ['a name with a space', { Name: 'web servers', Targets: [{ Key: 'tag:Role', Values: ['web'] }] }, 'name'],
    ['no target entries', { Name: 'empty', Targets: [] }, 'targets'],
    [
      'a window target id key',
      { Name: 'wrong-key', Targets: [{ Key: 'WindowTargetIds', Values: [UNKNOWN_UUID] }] },
      'targets.1.member.key',
    ],
  ])('answers ValidationException to CreateResourceGroup for %s', async (_name, body, member) => {
    const answer = await mado('CreateResourceGroup', body);
    expect(answer.body.__type).toBe('ValidationException');
    expect(answer.body.message).toContain(`'${member}'`);
  });

  it('lets a read-only key list resource groups but not create them', async () => {
    const key = await mado('CreateAccessKey', { Role: 'read-only' });
    const { AccessKeyId, SecretAccessKey } = key.body.AccessKey as { AccessKeyId: string; SecretAccessKey: string };
    const readOnly = { accessKeyId: AccessKeyId, secretAccessKey: SecretAccessKey };
    expect((await mado('ListResourceGroups', {}, readOnly)).status).toBe(200);
    const denied = await mado(
      'CreateResourceGroup',
      { Name: 'denied', Targets: [{ Key: 'tag:Role', Values: ['x'] }] },
      readOnly,
    );
    expect(denied.body.__type).toBe('AccessDeniedException');
    expect(
      await errorName(server.client(readOnly).send(new SendCommandCommand({ ...RUN_SHELL, Targets: NOBODY }))),
    ).toBe('AccessDeniedException');
  });
});

interface BadInputCase {
  readonly target: string;
  readonly body: Record<string, unknown>;
  readonly error: 'ValidationException' | 'SerializationException';
  /** Text the message must contain: the member at fault. */
  readonly mentions: string;
}

const MISSING = 'Member must not be null';

const BAD_INPUT: readonly BadInputCase[] = [
  {
    target: 'AmazonSSM.CreateActivation',
    body: {},
    error: 'ValidationException',
    mentions: `'iamRole' failed to satisfy constraint: ${MISSING}`,
  },
  {
    target: 'AmazonSSM.CreateActivation',
    body: { IamRole: 'r', RegistrationLimit: '5' },
    error: 'SerializationException',
    mentions: 'registrationLimit',
  },
  {
    target: 'AmazonSSM.CreateActivation',
    body: { IamRole: 'r', ExpirationDate: '2030-01-01T00:00:00Z' },
    error: 'SerializationException',
    mentions: 'expirationDate',
  },
  {
    target: 'AmazonSSM.CreateActivation',
    body: { IamRole: 'r', RegistrationLimit: 1001 },
    error: 'ValidationException',
    mentions: "at 'registrationLimit'",
  },
  {
    target: 'AmazonSSM.CreateActivation',
    body: { IamRole: 'r'.repeat(65) },
    error: 'ValidationException',
    mentions: "at 'iamRole'",
  },
  {
    target: 'AmazonSSM.DescribeActivations',
    body: { MaxResults: '10' },
    error: 'SerializationException',
    mentions: 'maxResults',
  },
  {
    target: 'AmazonSSM.DescribeActivations',
    body: { MaxResults: 51 },
    error: 'ValidationException',
    mentions: "at 'maxResults'",
  },
  {
    target: 'AmazonSSM.DeleteActivation',
    body: {},
    error: 'ValidationException',
    mentions: `'activationId' failed to satisfy constraint: ${MISSING}`,
  },
  {
    target: 'AmazonSSM.DeleteActivation',
    body: { ActivationId: 7 },
    error: 'SerializationException',
    mentions: 'activationId',
  },
  {
    target: 'AmazonSSM.DeleteActivation',
    body: { ActivationId: 'not-an-id' },
    error: 'ValidationException',
    mentions: "at 'activationId'",
  },
  {
    target: 'AmazonSSM.DescribeInstanceInformation',
    body: { Filters: 'PingStatus=Online' },
    error: 'SerializationException',
    mentions: 'filters',
  },
  {
    target: 'AmazonSSM.DescribeInstanceInformation',
    body: { Filters: [{ Key: 'PingStatus' }] },
    error: 'ValidationException',
    mentions: `'filters.1.member.values' failed to satisfy constraint: ${MISSING}`,
  },
  {
    target: 'AmazonSSM.DeregisterManagedInstance',
    body: {},
    error: 'ValidationException',
    mentions: `'instanceId' failed to satisfy constraint: ${MISSING}`,
  },
  {
    target: 'AmazonSSM.DeregisterManagedInstance',
    body: { InstanceId: ['mi-0123456789abcdef0'] },
    error: 'SerializationException',
    mentions: 'instanceId',
  },
  {
    target: 'AmazonSSM.DeregisterManagedInstance',
    body: { InstanceId: 'i-0123456789abcdef0' },
    error: 'ValidationException',
    mentions: "at 'instanceId'",
  },
  {
    target: 'AmazonSSM.SendCommand',
    body: { Targets: NOBODY },
    error: 'ValidationException',
    mentions: `'documentName' failed to satisfy constraint: ${MISSING}`,
  },
  {
    target: 'AmazonSSM.SendCommand',
    body: { ...RUN_SHELL, Targets: NOBODY, TimeoutSeconds: '600' },
    error: 'SerializationException',
    mentions: 'timeoutSeconds',
  },
  {
    target: 'AmazonSSM.SendCommand',
    body: { ...RUN_SHELL, Targets: NOBODY, Parameters: { commands: 'echo hi' } },
    error: 'SerializationException',
    mentions: 'parameters',
  },
  {
    target: 'AmazonSSM.SendCommand',
    body: { ...RUN_SHELL, Targets: NOBODY, TimeoutSeconds: 29 },
    error: 'ValidationException',
    mentions: "at 'timeoutSeconds'",
  },
  {
    target: 'AmazonSSM.SendCommand',
    body: { ...RUN_SHELL, Targets: NOBODY, Comment: 'c'.repeat(101) },
    error: 'ValidationException',
    mentions: "at 'comment'",
  },
  {
    target: 'AmazonSSM.ListCommands',
    body: { MaxResults: 'ten' },
    error: 'SerializationException',
    mentions: 'maxResults',
  },
  {
    target: 'AmazonSSM.ListCommands',
    body: { Filters: [{ key: 'Status' }] },
    error: 'ValidationException',
    mentions: `'filters.1.member.value' failed to satisfy constraint: ${MISSING}`,
  },
  {
    target: 'AmazonSSM.ListCommands',
    body: { Filters: [{ Key: 'Status', Value: 'Success' }] },
    error: 'ValidationException',
    mentions: "'filters.1.member.key'",
  },
  {
    target: 'AmazonSSM.ListCommands',
    body: { CommandId: 'short' },
    error: 'ValidationException',
    mentions: "at 'commandId'",
  },
  {
    target: 'AmazonSSM.ListCommandInvocations',
    body: { Details: 'yes' },
    error: 'SerializationException',
    mentions: 'details',
  },
  {
    target: 'AmazonSSM.ListCommandInvocations',
    body: { MaxResults: 0 },
    error: 'ValidationException',
    mentions: "at 'maxResults'",
  },
  {
    target: 'AmazonSSM.GetCommandInvocation',
    body: { InstanceId: UNKNOWN_NODE },
    error: 'ValidationException',
    mentions: `'commandId' failed to satisfy constraint: ${MISSING}`,
  },
  {
    target: 'AmazonSSM.GetCommandInvocation',
    body: { CommandId: UNKNOWN_UUID },
    error: 'ValidationException',
    mentions: `'instanceId' failed to satisfy constraint: ${MISSING}`,
  },
  {
    target: 'AmazonSSM.GetCommandInvocation',
    body: { CommandId: UNKNOWN_UUID, InstanceId: 12 },
    error: 'SerializationException',
    mentions: 'instanceId',
  },
  {
    target: 'AmazonSSM.GetCommandInvocation',
    body: { CommandId: UNKNOWN_UUID, InstanceId: UNKNOWN_NODE, PluginName: 'abc' },
    error: 'ValidationException',
    mentions: "at 'pluginName'",
  },
  {
    target: 'AmazonSSM.CancelCommand',
    body: {},
    error: 'ValidationException',
    mentions: `'commandId' failed to satisfy constraint: ${MISSING}`,
  },
  {
    target: 'AmazonSSM.CancelCommand',
    body: { CommandId: UNKNOWN_UUID, InstanceIds: UNKNOWN_NODE },
    error: 'SerializationException',
    mentions: 'instanceIds',
  },
  {
    target: 'Mado.CreateResourceGroup',
    body: { Targets: NOBODY },
    error: 'ValidationException',
    mentions: `'name' failed to satisfy constraint: ${MISSING}`,
  },
  {
    target: 'Mado.CreateResourceGroup',
    body: { Name: 'g' },
    error: 'ValidationException',
    mentions: `'targets' failed to satisfy constraint: ${MISSING}`,
  },
  {
    target: 'Mado.CreateResourceGroup',
    body: { Name: 'g', Targets: { Key: 'tag:Role' } },
    error: 'SerializationException',
    mentions: 'targets',
  },
  {
    target: 'Mado.DeleteResourceGroup',
    body: {},
    error: 'ValidationException',
    mentions: `'name' failed to satisfy constraint: ${MISSING}`,
  },
  { target: 'Mado.DeleteResourceGroup', body: { Name: true }, error: 'SerializationException', mentions: 'name' },
];

describe('bad input to the new operations', () => {
  it.each(
    BAD_INPUT.map((testCase) => [testCase.error, testCase.target, JSON.stringify(testCase.body), testCase] as const),
  )('answers %s to %s %s', async (_error, _target, _body, testCase) => {
    const response = await callRaw(server.url, testCase.target, testCase.body);
    expect(response.status).toBe(400);
    expect(response.body.__type).toBe(testCase.error);
    expect(response.headers.get('x-amzn-errortype')).toBe(testCase.error);
    expect((response.body.message as string).toLowerCase()).toContain(testCase.mentions.toLowerCase());
  });
});
