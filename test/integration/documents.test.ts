/**
 * The document API (spec §8.6) against the real server process, through the unmodified
 * @aws-sdk/client-ssm and the Debian AWS CLI v2: documents in JSON and YAML, versions, the
 * default version, reads in either format, listings with filters and pagination, deletion,
 * the read-only Amazon-owned documents, quotas, and SendCommand of a document created here.
 * Every refused request is read back to prove that it changed nothing.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AddTagsToResourceCommand,
  CreateDocumentCommand,
  DeleteDocumentCommand,
  DescribeDocumentCommand,
  GetDocumentCommand,
  ListDocumentsCommand,
  ListDocumentVersionsCommand,
  ListTagsForResourceCommand,
  paginateListDocuments,
  SendCommandCommand,
  UpdateDocumentCommand,
  UpdateDocumentDefaultVersionCommand,
  type DocumentKeyValuesFilter,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsSsm, runAwsSsm } from '../support/aws-cli.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { snapshotDocuments } from '../support/snapshot.js';

const ACCOUNT = '123456789012';
/** A tag no node carries: the server has no nodes at all. */
const NOBODY = [{ Key: 'tag:Role', Values: ['nobody'] }];
const AMAZON_DOCUMENTS = [
  'AWS-ConfigureAWSPackage',
  'AWS-RunPowerShellScript',
  'AWS-RunShellScript',
  'AWS-UpdateSSMAgent',
];

/** A schema 2.2 shell document whose one step is named `step` and echoes `text`. */
function shellDocument(text: string, parameters: Record<string, unknown> = {}): string {
  return JSON.stringify({
    schemaVersion: '2.2',
    description: `Echoes ${text}`,
    parameters,
    mainSteps: [{ action: 'aws:runShellScript', name: 'step', inputs: { runCommand: [`echo ${text}`] } }],
  });
}

const GREET_YAML = `schemaVersion: '2.2'
description: Greets someone
parameters:
  who:
    type: String
    description: Whom to greet
    default: world
    allowedPattern: "^[a-z]{1,20}$"
  times:
    type: Integer
    default: 1
mainSteps:
  - action: aws:runShellScript
    name: greet
    inputs:
      runCommand:
        - for i in $(seq {{ times }}); do echo hello {{ who }}; done
`;

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** The wire error an SDK call is rejected with (name and message). */
async function rejection(promise: Promise<unknown>): Promise<{ name: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    return { name: (error as Error).name, message: (error as Error).message };
  }
  throw new Error('expected the call to fail, but it succeeded');
}

async function listNames(ssm: SSMClient, filters: DocumentKeyValuesFilter[]): Promise<string[]> {
  const names: string[] = [];
  for await (const page of paginateListDocuments({ client: ssm, pageSize: 50 }, { Filters: filters })) {
    names.push(...(page.DocumentIdentifiers ?? []).map((identifier) => identifier.Name!));
  }
  return names;
}

describe('documents through @aws-sdk/client-ssm', () => {
  let server: ServerProcess;
  let ssm: SSMClient;

  beforeAll(async () => {
    server = await startServerProcess();
    ssm = server.client();
  });

  afterAll(async () => {
    await server.dispose();
  });

  it('creates a JSON document at version 1 and describes it', async () => {
    const content = shellDocument('hello', {
      target: { type: 'String', description: 'Where', default: 'here' },
      lines: { type: 'StringList', default: ['a', 'b'] },
      options: { type: 'StringMap', default: { k: 'v' } },
    });
    const created = await ssm.send(
      new CreateDocumentCommand({
        Name: 'Json-Hello',
        Content: content,
        DocumentType: 'Command',
        DisplayName: 'Says hello',
        VersionName: 'first',
        TargetType: '/AWS::EC2::Instance',
        Tags: [{ Key: 'Team', Value: 'web' }],
      }),
    );
    const description = created.DocumentDescription!;
    expect(description).toMatchObject({
      Name: 'Json-Hello',
      Hash: sha256(content),
      HashType: 'Sha256',
      Owner: ACCOUNT,
      Status: 'Active',
      DocumentVersion: '1',
      LatestVersion: '1',
      DefaultVersion: '1',
      VersionName: 'first',
      DisplayName: 'Says hello',
      Description: 'Echoes hello',
      DocumentType: 'Command',
      SchemaVersion: '2.2',
      DocumentFormat: 'JSON',
      TargetType: '/AWS::EC2::Instance',
      PlatformTypes: ['Linux', 'MacOS'],
      Tags: [{ Key: 'Team', Value: 'web' }],
      Parameters: [
        { Name: 'target', Type: 'String', Description: 'Where', DefaultValue: 'here' },
        { Name: 'lines', Type: 'StringList', DefaultValue: '["a","b"]' },
        { Name: 'options', Type: 'String', DefaultValue: '{"k":"v"}' },
      ],
    });
    expect(description.CreatedDate).toBeInstanceOf(Date);
    const { Document } = await ssm.send(new DescribeDocumentCommand({ Name: 'Json-Hello' }));
    expect(Document).toEqual(description);
    const arn = `arn:aws:ssm:us-east-1:${ACCOUNT}:document/Json-Hello`;
    expect((await ssm.send(new DescribeDocumentCommand({ Name: arn }))).Document).toEqual(description);
    const got = await ssm.send(new GetDocumentCommand({ Name: 'Json-Hello' }));
    expect(got).toMatchObject({ Name: 'Json-Hello', Content: content, DocumentFormat: 'JSON', DocumentVersion: '1' });
  });

  it('creates a YAML document and returns it as JSON by default, or as written on request', async () => {
    const created = await ssm.send(
      new CreateDocumentCommand({ Name: 'Yaml-Greet', Content: GREET_YAML, DocumentFormat: 'YAML' }),
    );
    expect(created.DocumentDescription).toMatchObject({
      DocumentFormat: 'YAML',
      Hash: sha256(GREET_YAML),
      Description: 'Greets someone',
      Parameters: [
        { Name: 'who', Type: 'String', Description: 'Whom to greet', DefaultValue: 'world' },
        { Name: 'times', Type: 'String', DefaultValue: '1' },
      ],
    });
    const asWritten = await ssm.send(new GetDocumentCommand({ Name: 'Yaml-Greet', DocumentFormat: 'YAML' }));
    expect(asWritten).toMatchObject({ Content: GREET_YAML, DocumentFormat: 'YAML' });
    const byDefault = await ssm.send(new GetDocumentCommand({ Name: 'Yaml-Greet' }));
    const asJson = await ssm.send(new GetDocumentCommand({ Name: 'Yaml-Greet', DocumentFormat: 'JSON' }));
    for (const got of [byDefault, asJson]) {
      expect(got.DocumentFormat).toBe('JSON');
      expect(JSON.parse(got.Content!)).toMatchObject({
        schemaVersion: '2.2',
        parameters: { who: { default: 'world' }, times: { type: 'Integer', default: 1 } },
        mainSteps: [{ name: 'greet' }],
      });
    }
    expect(byDefault.Content).toBe(asJson.Content);
  });

  it('adds versions with UpdateDocument and keeps the default until it is changed', async () => {
    await ssm.send(new CreateDocumentCommand({ Name: 'Versioned', Content: shellDocument('v1'), DisplayName: 'V' }));
    const second = await ssm.send(
      new UpdateDocumentCommand({
        Name: 'Versioned',
        Content: shellDocument('v2'),
        DocumentVersion: '$LATEST',
        VersionName: 'two',
      }),
    );
    expect(second.DocumentDescription).toMatchObject({
      DocumentVersion: '2',
      LatestVersion: '2',
      DefaultVersion: '1',
      VersionName: 'two',
      DisplayName: 'V',
      Description: 'Echoes v2',
    });
    const third = await ssm.send(
      new UpdateDocumentCommand({
        Name: 'Versioned',
        Content: GREET_YAML,
        DocumentFormat: 'YAML',
        DocumentVersion: '2',
      }),
    );
    expect(third.DocumentDescription).toMatchObject({ DocumentVersion: '3', LatestVersion: '3', DefaultVersion: '1' });
    expect((await ssm.send(new DescribeDocumentCommand({ Name: 'Versioned' }))).Document).toMatchObject({
      DocumentVersion: '1',
      Description: 'Echoes v1',
      LatestVersion: '3',
    });

    const changed = await ssm.send(
      new UpdateDocumentDefaultVersionCommand({ Name: 'Versioned', DocumentVersion: '2' }),
    );
    expect(changed.Description).toEqual({ Name: 'Versioned', DefaultVersion: '2', DefaultVersionName: 'two' });
    const versions = await ssm.send(new ListDocumentVersionsCommand({ Name: 'Versioned' }));
    expect(
      versions.DocumentVersions!.map((version) => [
        version.DocumentVersion,
        version.IsDefaultVersion,
        version.VersionName,
        version.DocumentFormat,
        version.Status,
      ]),
    ).toEqual([
      ['1', false, undefined, 'JSON', 'Active'],
      ['2', true, 'two', 'JSON', 'Active'],
      ['3', false, undefined, 'YAML', 'Active'],
    ]);
    expect(versions.NextToken).toBeUndefined();
    const paged = await ssm.send(new ListDocumentVersionsCommand({ Name: 'Versioned', MaxResults: 2 }));
    expect(paged.DocumentVersions!.map((version) => version.DocumentVersion)).toEqual(['1', '2']);
    const rest = await ssm.send(
      new ListDocumentVersionsCommand({ Name: 'Versioned', MaxResults: 2, NextToken: paged.NextToken }),
    );
    expect(rest.DocumentVersions!.map((version) => version.DocumentVersion)).toEqual(['3']);
    expect(rest.NextToken).toBeUndefined();

    expect((await ssm.send(new GetDocumentCommand({ Name: 'Versioned', VersionName: 'two' }))).Content).toBe(
      shellDocument('v2'),
    );
    expect(
      (
        await ssm.send(
          new GetDocumentCommand({ Name: 'Versioned', DocumentVersion: '$LATEST', DocumentFormat: 'YAML' }),
        )
      ).Content,
    ).toBe(GREET_YAML);
    expect(
      (await ssm.send(new GetDocumentCommand({ Name: 'Versioned', DocumentVersion: '$LATEST' }))).DocumentFormat,
    ).toBe('JSON');
  });

  it('lists documents with every filter, and pages through them', async () => {
    const windows = JSON.stringify({
      schemaVersion: '2.2',
      mainSteps: [{ action: 'aws:runPowerShellScript', name: 'ps', inputs: { runCommand: ['Get-Date'] } }],
    });
    await ssm.send(
      new CreateDocumentCommand({
        Name: 'List-Windows',
        Content: windows,
        TargetType: '/',
        Tags: [{ Key: 'Env', Value: 'prod' }],
      }),
    );
    await ssm.send(
      new CreateDocumentCommand({
        Name: 'List-Linux',
        Content: shellDocument('list'),
        Tags: [{ Key: 'Env', Value: 'dev' }],
      }),
    );
    await ssm.send(new CreateDocumentCommand({ Name: 'List_Other', Content: shellDocument('other') }));

    expect(await listNames(ssm, [{ Key: 'Name', Values: ['List-'] }])).toEqual(['List-Linux', 'List-Windows']);
    expect(
      await listNames(ssm, [
        { Key: 'Name', Values: ['List'] },
        { Key: 'PlatformTypes', Values: ['Windows'] },
      ]),
    ).toEqual(['List-Windows']);
    expect(await listNames(ssm, [{ Key: 'tag:Env', Values: ['prod', 'dev'] }])).toEqual(['List-Linux', 'List-Windows']);
    expect(await listNames(ssm, [{ Key: 'tag:Env' }])).toEqual(['List-Linux', 'List-Windows']);
    expect(await listNames(ssm, [{ Key: 'TargetType', Values: ['/'] }])).toEqual(['List-Windows']);
    expect(
      await listNames(ssm, [
        { Key: 'Owner', Values: ['Amazon'] },
        { Key: 'PlatformTypes', Values: ['MacOS'] },
      ]),
    ).toEqual(['AWS-RunShellScript', 'AWS-UpdateSSMAgent']);
    expect(await listNames(ssm, [{ Key: 'DocumentType', Values: ['Automation'] }])).toEqual([]);
    const legacy = await ssm.send(
      new ListDocumentsCommand({
        DocumentFilterList: [
          { key: 'Owner', value: 'Self' },
          { key: 'Name', value: 'List' },
        ],
      }),
    );
    expect(legacy.DocumentIdentifiers!.map((identifier) => identifier.Name)).toEqual([
      'List-Linux',
      'List-Windows',
      'List_Other',
    ]);
    const windowsIdentifier = legacy.DocumentIdentifiers![1]!;
    expect(windowsIdentifier).toMatchObject({
      Owner: ACCOUNT,
      PlatformTypes: ['Windows', 'Linux'],
      DocumentVersion: '1',
      DocumentType: 'Command',
      SchemaVersion: '2.2',
      DocumentFormat: 'JSON',
      TargetType: '/',
      Tags: [{ Key: 'Env', Value: 'prod' }],
    });

    // All documents, two at a time: every name once, in order, Amazon's first.
    const pages: string[][] = [];
    for await (const page of paginateListDocuments({ client: ssm, pageSize: 2 }, {})) {
      pages.push(page.DocumentIdentifiers!.map((identifier) => identifier.Name!));
    }
    const all = pages.flat();
    expect(pages.every((page) => page.length <= 2)).toBe(true);
    expect(all.slice(0, 4)).toEqual(AMAZON_DOCUMENTS);
    expect(new Set(all).size).toBe(all.length);
    expect([...all].sort()).toEqual(all);
    expect(all).toEqual(expect.arrayContaining(['List-Linux', 'List-Windows', 'List_Other']));

    const first = await ssm.send(new ListDocumentsCommand({ MaxResults: 1 }));
    expect(
      (
        await rejection(
          ssm.send(
            new ListDocumentsCommand({
              MaxResults: 1,
              NextToken: first.NextToken,
              Filters: [{ Key: 'Name', Values: ['L'] }],
            }),
          ),
        )
      ).name,
    ).toBe('InvalidNextToken');
  });

  it('lists the Amazon-owned documents under Owner Amazon and refuses to change them', async () => {
    const { DocumentIdentifiers } = await ssm.send(
      new ListDocumentsCommand({ Filters: [{ Key: 'Owner', Values: ['Amazon'] }] }),
    );
    expect(DocumentIdentifiers!.map((identifier) => [identifier.Name, identifier.Owner])).toEqual(
      AMAZON_DOCUMENTS.map((name) => [name, 'Amazon']),
    );
    const { Document } = await ssm.send(new DescribeDocumentCommand({ Name: 'AWS-ConfigureAWSPackage' }));
    expect(Document).toMatchObject({ Owner: 'Amazon', DocumentVersion: '1', SchemaVersion: '2.2' });
    expect(Document!.Parameters!.map((parameter) => parameter.Name)).toEqual([
      'action',
      'installationType',
      'name',
      'version',
      'additionalArguments',
    ]);
    const builtinArn = 'arn:aws:ssm:us-east-1::document/AWS-RunShellScript';
    expect((await ssm.send(new GetDocumentCommand({ Name: builtinArn }))).Name).toBe('AWS-RunShellScript');

    for (const change of [
      ssm.send(new UpdateDocumentCommand({ Name: 'AWS-RunShellScript', Content: shellDocument('mine') })),
      ssm.send(new UpdateDocumentDefaultVersionCommand({ Name: 'AWS-RunShellScript', DocumentVersion: '1' })),
      ssm.send(new DeleteDocumentCommand({ Name: 'AWS-UpdateSSMAgent' })),
    ]) {
      const error = await rejection(change);
      expect(error.name).toBe('InvalidDocumentOperation');
      expect(error.message).toContain('owned by Amazon');
    }
    for (const name of ['AWS-RunShellScript', 'aws-mine', 'Amazon-Mine', 'amznDoc']) {
      const error = await rejection(ssm.send(new CreateDocumentCommand({ Name: name, Content: shellDocument('x') })));
      expect(error.name).toBe('ValidationException');
      expect(error.message).toContain('reserved for Amazon-owned documents');
    }
    expect(
      (
        await rejection(
          ssm.send(
            new AddTagsToResourceCommand({
              ResourceType: 'Document',
              ResourceId: 'AWS-RunShellScript',
              Tags: [{ Key: 'k', Value: 'v' }],
            }),
          ),
        )
      ).name,
    ).toBe('InvalidResourceId');
    expect((await ssm.send(new ListDocumentVersionsCommand({ Name: 'AWS-RunShellScript' }))).DocumentVersions).toEqual([
      expect.objectContaining({ DocumentVersion: '1', IsDefaultVersion: true, DocumentFormat: 'JSON' }),
    ]);
  });

  it('tags documents through the tagging operations', async () => {
    await ssm.send(new CreateDocumentCommand({ Name: 'Tagged', Content: shellDocument('tagged') }));
    await ssm.send(
      new AddTagsToResourceCommand({
        ResourceType: 'Document',
        ResourceId: 'Tagged',
        Tags: [{ Key: 'A', Value: '1' }],
      }),
    );
    expect(
      (await ssm.send(new ListTagsForResourceCommand({ ResourceType: 'Document', ResourceId: 'Tagged' }))).TagList,
    ).toEqual([{ Key: 'A', Value: '1' }]);
    expect((await ssm.send(new DescribeDocumentCommand({ Name: 'Tagged' }))).Document!.Tags).toEqual([
      { Key: 'A', Value: '1' },
    ]);
  });

  it('deletes one version, or the whole document with its tags', async () => {
    await ssm.send(
      new CreateDocumentCommand({ Name: 'Doomed', Content: shellDocument('1'), Tags: [{ Key: 'k', Value: 'v' }] }),
    );
    await ssm.send(new UpdateDocumentCommand({ Name: 'Doomed', Content: shellDocument('2'), VersionName: 'second' }));
    await ssm.send(new UpdateDocumentCommand({ Name: 'Doomed', Content: shellDocument('3') }));
    const refused = await rejection(ssm.send(new DeleteDocumentCommand({ Name: 'Doomed', DocumentVersion: '1' })));
    expect(refused).toMatchObject({ name: 'InvalidDocumentOperation' });
    expect(refused.message).toContain('default version');
    await ssm.send(new DeleteDocumentCommand({ Name: 'Doomed', VersionName: 'second' }));
    await ssm.send(new DeleteDocumentCommand({ Name: 'Doomed', DocumentVersion: '$LATEST', Force: true }));
    const versions = await ssm.send(new ListDocumentVersionsCommand({ Name: 'Doomed' }));
    expect(versions.DocumentVersions!.map((version) => version.DocumentVersion)).toEqual(['1']);
    expect((await ssm.send(new DescribeDocumentCommand({ Name: 'Doomed' }))).Document!.LatestVersion).toBe('1');
    // Numbers are never reused.
    const next = await ssm.send(new UpdateDocumentCommand({ Name: 'Doomed', Content: shellDocument('4') }));
    expect(next.DocumentDescription!.DocumentVersion).toBe('4');

    await ssm.send(new DeleteDocumentCommand({ Name: 'Doomed' }));
    expect((await rejection(ssm.send(new DescribeDocumentCommand({ Name: 'Doomed' })))).name).toBe('InvalidDocument');
    expect(
      (await rejection(ssm.send(new ListTagsForResourceCommand({ ResourceType: 'Document', ResourceId: 'Doomed' }))))
        .name,
    ).toBe('InvalidResourceId');
    expect((await rejection(ssm.send(new DeleteDocumentCommand({ Name: 'Doomed' })))).name).toBe('InvalidDocument');
    // The name is free again.
    await ssm.send(new CreateDocumentCommand({ Name: 'Doomed', Content: shellDocument('again') }));
    expect((await ssm.send(new DescribeDocumentCommand({ Name: 'Doomed' }))).Document!.DocumentVersion).toBe('1');
  });

  describe('bad input', () => {
    const seeded = { Name: 'Bad-Input-Seed', Content: shellDocument('seed'), VersionName: 'seed' };
    let before: unknown;

    beforeAll(async () => {
      await ssm.send(new CreateDocumentCommand(seeded));
      await ssm.send(new UpdateDocumentCommand({ Name: seeded.Name, Content: shellDocument('seed-2') }));
      before = await snapshotDocuments(ssm);
    });

    const big = shellDocument('x'.repeat(70 * 1024));
    const cases: readonly [title: string, call: () => Promise<unknown>, error: string, mentions: string][] = [
      [
        'content without runCommand, naming step and field',
        () =>
          ssm.send(
            new CreateDocumentCommand({
              Name: 'Bad-One',
              Content: JSON.stringify({
                schemaVersion: '2.2',
                mainSteps: [{ action: 'aws:runShellScript', name: 'build', inputs: { workingDirectory: '/' } }],
              }),
            }),
          ),
        'InvalidDocumentContent',
        'mainSteps[0] (build).inputs.runCommand: is required by aws:runShellScript',
      ],
      [
        'YAML content with an undeclared parameter',
        () =>
          ssm.send(
            new CreateDocumentCommand({
              Name: 'Bad-Two',
              DocumentFormat: 'YAML',
              Content: GREET_YAML.replace('hello {{ who }}', 'hello {{ whom }}'),
            }),
          ),
        'InvalidDocumentContent',
        'mainSteps[0] (greet).inputs.runCommand[0]: references undeclared parameter {{ whom }}',
      ],
      [
        'YAML content that does not parse',
        () =>
          ssm.send(new CreateDocumentCommand({ Name: 'Bad-Three', DocumentFormat: 'YAML', Content: 'mainSteps: [\n' })),
        'InvalidDocumentContent',
        'not valid YAML',
      ],
      [
        'TEXT content',
        () => ssm.send(new CreateDocumentCommand({ Name: 'Bad-Four', DocumentFormat: 'TEXT', Content: 'echo hi' })),
        'InvalidDocumentContent',
        'DocumentFormat TEXT',
      ],
      [
        'schema version 0.3',
        () =>
          ssm.send(
            new CreateDocumentCommand({ Name: 'Bad-Five', Content: shellDocument('x').replace('"2.2"', '"0.3"') }),
          ),
        'InvalidDocumentSchemaVersion',
        'schemaVersion "0.3"',
      ],
      [
        'content over 64 KB',
        () => ssm.send(new CreateDocumentCommand({ Name: 'Bad-Six', Content: big })),
        'MaxDocumentSizeExceeded',
        '65536 bytes',
      ],
      [
        'an Automation document',
        () =>
          ssm.send(
            new CreateDocumentCommand({ Name: 'Bad-Seven', Content: shellDocument('x'), DocumentType: 'Automation' }),
          ),
        'ValidationException',
        'documentType',
      ],
      [
        'a name in use',
        () => ssm.send(new CreateDocumentCommand({ Name: seeded.Name, Content: shellDocument('other') })),
        'DocumentAlreadyExists',
        seeded.Name,
      ],
      [
        'an update of an unknown document',
        () => ssm.send(new UpdateDocumentCommand({ Name: 'No-Such-Doc', Content: shellDocument('x') })),
        'InvalidDocument',
        'No-Such-Doc',
      ],
      [
        'an update of a version that is not the latest',
        () =>
          ssm.send(new UpdateDocumentCommand({ Name: seeded.Name, Content: shellDocument('x'), DocumentVersion: '1' })),
        'InvalidDocumentVersion',
        'Only the latest version',
      ],
      [
        'an update with $DEFAULT',
        () =>
          ssm.send(
            new UpdateDocumentCommand({ Name: seeded.Name, Content: shellDocument('x'), DocumentVersion: '$DEFAULT' }),
          ),
        'InvalidDocumentVersion',
        '$DEFAULT',
      ],
      [
        'an update with the content of version 1',
        () => ssm.send(new UpdateDocumentCommand({ Name: seeded.Name, Content: seeded.Content })),
        'DuplicateDocumentContent',
        'version 1',
      ],
      [
        'an update with a version name in use',
        () =>
          ssm.send(new UpdateDocumentCommand({ Name: seeded.Name, Content: shellDocument('y'), VersionName: 'seed' })),
        'DuplicateDocumentVersionName',
        'seed',
      ],
      [
        'an update with invalid content',
        () =>
          ssm.send(new UpdateDocumentCommand({ Name: seeded.Name, Content: '{"schemaVersion":"2.2","mainSteps":[]}' })),
        'InvalidDocumentContent',
        'mainSteps: must be a list of at least one step',
      ],
      [
        'a default version that does not exist',
        () => ssm.send(new UpdateDocumentDefaultVersionCommand({ Name: seeded.Name, DocumentVersion: '9' })),
        'InvalidDocumentVersion',
        'no version 9',
      ],
      [
        'a default version of an unknown document',
        () => ssm.send(new UpdateDocumentDefaultVersionCommand({ Name: 'No-Such-Doc', DocumentVersion: '1' })),
        'InvalidDocument',
        'No-Such-Doc',
      ],
      [
        'deleting the default version while others exist',
        () => ssm.send(new DeleteDocumentCommand({ Name: seeded.Name, DocumentVersion: '$DEFAULT' })),
        'InvalidDocumentOperation',
        'default version',
      ],
      [
        'deleting a version that does not exist',
        () => ssm.send(new DeleteDocumentCommand({ Name: seeded.Name, VersionName: 'nope' })),
        'InvalidDocumentVersion',
        'nope',
      ],
      [
        'describing a version that does not exist',
        () => ssm.send(new DescribeDocumentCommand({ Name: seeded.Name, DocumentVersion: '7' })),
        'InvalidDocumentVersion',
        'no version 7',
      ],
      [
        'getting a document as TEXT',
        () => ssm.send(new GetDocumentCommand({ Name: seeded.Name, DocumentFormat: 'TEXT' })),
        'ValidationException',
        'documentFormat',
      ],
      [
        'a document ARN of another account',
        () => ssm.send(new GetDocumentCommand({ Name: `arn:aws:ssm:us-east-1:999999999999:document/${seeded.Name}` })),
        'InvalidDocument',
        '999999999999',
      ],
    ];

    it.each(cases)('refuses %s with %s', async (_title, call, error, mentions) => {
      const refused = await rejection(call());
      expect(refused.name).toBe(error);
      expect(refused.message).toContain(mentions);
    });

    it('leaves every document exactly as it was after the refused requests', async () => {
      expect(await snapshotDocuments(ssm)).toEqual(before);
    });
  });

  describe('SendCommand of a document created here', () => {
    beforeAll(async () => {
      await ssm.send(new CreateDocumentCommand({ Name: 'Send-Greet', Content: GREET_YAML, DocumentFormat: 'YAML' }));
      await ssm.send(
        new UpdateDocumentCommand({
          Name: 'Send-Greet',
          Content: shellDocument('v2', { mode: { type: 'String', allowedValues: ['fast', 'safe'] } }),
        }),
      );
    });

    it('validates the parameters against the default version and records the command', async () => {
      const { Command } = await ssm.send(
        new SendCommandCommand({ DocumentName: 'Send-Greet', Parameters: { who: ['alice'] }, Targets: NOBODY }),
      );
      expect(Command).toMatchObject({
        DocumentName: 'Send-Greet',
        Parameters: { who: ['alice'] },
        Status: 'Success',
        StatusDetails: 'NoInstancesInTag',
      });
    });

    it('resolves $LATEST and numbered versions, each with its own parameters', async () => {
      const latest = await ssm.send(
        new SendCommandCommand({
          DocumentName: 'Send-Greet',
          DocumentVersion: '$LATEST',
          Parameters: { mode: ['safe'] },
          Targets: NOBODY,
        }),
      );
      expect(latest.Command!.DocumentVersion).toBe('$LATEST');
      const refused = await rejection(
        ssm.send(
          new SendCommandCommand({
            DocumentName: 'Send-Greet',
            DocumentVersion: '1',
            Parameters: { mode: ['safe'] },
            Targets: NOBODY,
          }),
        ),
      );
      expect(refused).toMatchObject({ name: 'InvalidParameters' });
      expect(refused.message).toContain('mode: is not a parameter of this document');
      expect(
        (
          await rejection(
            ssm.send(new SendCommandCommand({ DocumentName: 'Send-Greet', DocumentVersion: '5', Targets: NOBODY })),
          )
        ).name,
      ).toBe('InvalidDocumentVersion');
    });

    it('accepts the DocumentHash of the version it runs, and refuses another', async () => {
      const hash = sha256(GREET_YAML);
      await ssm.send(
        new SendCommandCommand({
          DocumentName: 'Send-Greet',
          DocumentHash: hash,
          DocumentHashType: 'Sha256',
          Targets: NOBODY,
        }),
      );
      expect(
        (
          await rejection(
            ssm.send(
              new SendCommandCommand({
                DocumentName: 'Send-Greet',
                DocumentVersion: '2',
                DocumentHash: hash,
                Targets: NOBODY,
              }),
            ),
          )
        ).name,
      ).toBe('InvalidDocument');
    });

    it.each([
      ['a semicolon', 'bob; reboot'],
      ['a command substitution', '$(reboot)'],
      ['backticks', '`reboot`'],
      ['a newline', 'bob\nreboot'],
    ])('refuses %s in a parameter value against its allowedPattern', async (_what, value) => {
      const refused = await rejection(
        ssm.send(new SendCommandCommand({ DocumentName: 'Send-Greet', Parameters: { who: [value] }, Targets: NOBODY })),
      );
      expect(refused.name).toBe('InvalidParameters');
      expect(refused.message).toContain('does not match the allowed pattern ^[a-z]{1,20}$');
    });

    it('refuses an Integer parameter that is not one', async () => {
      const refused = await rejection(
        ssm.send(
          new SendCommandCommand({ DocumentName: 'Send-Greet', Parameters: { times: ['2; reboot'] }, Targets: NOBODY }),
        ),
      );
      expect(refused).toMatchObject({ name: 'InvalidParameters' });
      expect(refused.message).toContain('times: "2; reboot" is not an Integer');
    });

    it('checks the listed nodes before the document, as for the built-in documents', async () => {
      const refused = await rejection(
        ssm.send(
          new SendCommandCommand({
            DocumentName: 'Send-Greet',
            Parameters: { who: ['$(reboot)'] },
            InstanceIds: ['mi-0123456789abcdef0'],
          }),
        ),
      );
      expect(refused.name).toBe('InvalidInstanceId');
    });

    it('answers InvalidDocument once the document is deleted', async () => {
      await ssm.send(new CreateDocumentCommand({ Name: 'Send-Gone', Content: shellDocument('gone') }));
      await ssm.send(new DeleteDocumentCommand({ Name: 'Send-Gone' }));
      expect(
        (await rejection(ssm.send(new SendCommandCommand({ DocumentName: 'Send-Gone', Targets: NOBODY })))).name,
      ).toBe('InvalidDocument');
    });
  });
});

describe('document quotas', () => {
  let server: ServerProcess;
  let ssm: SSMClient;

  beforeAll(async () => {
    server = await startServerProcess({ env: { MADO_QUOTA_DOCUMENTS: '2', MADO_QUOTA_VERSIONS_PER_DOCUMENT: '2' } });
    ssm = server.client();
  });

  afterAll(async () => {
    await server.dispose();
  });

  it('refuses documents and versions beyond their quotas and changes nothing', async () => {
    await ssm.send(new CreateDocumentCommand({ Name: 'Quota-A', Content: shellDocument('a') }));
    await ssm.send(new CreateDocumentCommand({ Name: 'Quota-B', Content: shellDocument('b') }));
    await ssm.send(new UpdateDocumentCommand({ Name: 'Quota-A', Content: shellDocument('a2') }));
    const before = await snapshotDocuments(ssm);
    const tooMany = await rejection(
      ssm.send(new CreateDocumentCommand({ Name: 'Quota-C', Content: shellDocument('c') })),
    );
    expect(tooMany).toMatchObject({ name: 'DocumentLimitExceeded' });
    expect(tooMany.message).toContain('at most 2 documents');
    const tooManyVersions = await rejection(
      ssm.send(new UpdateDocumentCommand({ Name: 'Quota-A', Content: shellDocument('a3') })),
    );
    expect(tooManyVersions).toMatchObject({ name: 'DocumentVersionLimitExceeded' });
    expect(await snapshotDocuments(ssm)).toEqual(before);
    // Built-in documents do not count.
    expect(await listNames(ssm, [{ Key: 'Owner', Values: ['All'] }])).toHaveLength(6);
  });
});

describe('documents through the AWS CLI', () => {
  let server: ServerProcess;
  const scratch = mkdtempSync(join(tmpdir(), 'mado-cli-documents-'));

  beforeAll(async () => {
    server = await startServerProcess();
  });

  afterAll(async () => {
    await server.dispose();
    rmSync(scratch, { recursive: true, force: true });
  });

  function file(name: string, text: string): string {
    const path = join(scratch, name);
    writeFileSync(path, text);
    return `file://${path}`;
  }

  interface Described {
    readonly DocumentDescription: Record<string, unknown>;
  }

  it('creates, updates, reads, lists and deletes documents', async () => {
    const created = await awsSsm<Described>(server.url, [
      'create-document',
      '--name',
      'Cli-Greet',
      '--content',
      file('greet.yaml', GREET_YAML),
      '--document-format',
      'YAML',
      '--document-type',
      'Command',
      '--tags',
      'Key=Team,Value=ops',
    ]);
    expect(created.DocumentDescription).toMatchObject({
      Name: 'Cli-Greet',
      DocumentVersion: '1',
      DocumentFormat: 'YAML',
      Owner: ACCOUNT,
      Hash: sha256(GREET_YAML),
      Tags: [{ Key: 'Team', Value: 'ops' }],
    });

    const updated = await awsSsm<Described>(server.url, [
      'update-document',
      '--name',
      'Cli-Greet',
      '--content',
      file('v2.json', shellDocument('v2')),
      '--document-version',
      '$LATEST',
      '--version-name',
      'second',
    ]);
    expect(updated.DocumentDescription).toMatchObject({
      DocumentVersion: '2',
      DefaultVersion: '1',
      LatestVersion: '2',
    });

    const defaulted = await awsSsm<{ Description: unknown }>(server.url, [
      'update-document-default-version',
      '--name',
      'Cli-Greet',
      '--document-version',
      '2',
    ]);
    expect(defaulted.Description).toEqual({ Name: 'Cli-Greet', DefaultVersion: '2', DefaultVersionName: 'second' });

    const versions = await awsSsm<{ DocumentVersions: { DocumentVersion: string; IsDefaultVersion: boolean }[] }>(
      server.url,
      ['list-document-versions', '--name', 'Cli-Greet'],
    );
    expect(versions.DocumentVersions.map((version) => [version.DocumentVersion, version.IsDefaultVersion])).toEqual([
      ['1', false],
      ['2', true],
    ]);

    const asJson = await awsSsm<{ Content: string; DocumentFormat: string }>(server.url, [
      'get-document',
      '--name',
      'Cli-Greet',
      '--document-version',
      '1',
      '--document-format',
      'JSON',
    ]);
    expect(asJson.DocumentFormat).toBe('JSON');
    expect(JSON.parse(asJson.Content)).toMatchObject({ description: 'Greets someone' });

    const described = await awsSsm<{ Document: Record<string, unknown> }>(server.url, [
      'describe-document',
      '--name',
      'Cli-Greet',
    ]);
    expect(described.Document).toMatchObject({ DocumentVersion: '2', Description: 'Echoes v2' });

    const mine = await awsSsm<{ DocumentIdentifiers: { Name: string }[] }>(server.url, [
      'list-documents',
      '--filters',
      'Key=Owner,Values=Self',
      'Key=tag:Team,Values=ops',
    ]);
    expect(mine.DocumentIdentifiers.map((identifier) => identifier.Name)).toEqual(['Cli-Greet']);

    const amazon = await awsSsm<{ DocumentIdentifiers: { Name: string; Owner: string }[] }>(server.url, [
      'list-documents',
      '--document-filter-list',
      'key=Owner,value=Amazon',
    ]);
    expect(amazon.DocumentIdentifiers.map((identifier) => identifier.Owner)).toEqual([
      'Amazon',
      'Amazon',
      'Amazon',
      'Amazon',
    ]);

    // The CLI follows NextToken itself, one document per page, and fails on a repeated token.
    const paged = await awsSsm<{ DocumentIdentifiers: { Name: string }[] }>(server.url, [
      'list-documents',
      '--page-size',
      '1',
    ]);
    expect(paged.DocumentIdentifiers.map((identifier) => identifier.Name)).toEqual([...AMAZON_DOCUMENTS, 'Cli-Greet']);

    await awsSsm(server.url, ['delete-document', '--name', 'Cli-Greet', '--document-version', '1']);
    await awsSsm(server.url, ['delete-document', '--name', 'Cli-Greet']);
    const gone = await runAwsSsm(server.url, ['describe-document', '--name', 'Cli-Greet']).catch(
      (error: { stderr: string }) => error,
    );
    expect((gone as { stderr: string }).stderr).toContain('(InvalidDocument)');
  });

  it('shows the step and field of a bad document in the error', async () => {
    const bad = JSON.stringify({
      schemaVersion: '2.2',
      mainSteps: [{ action: 'aws:runShellScript', name: 'deploy', inputs: { runCommand: ['{{ target }}'] } }],
    });
    const failed = await runAwsSsm(server.url, [
      'create-document',
      '--name',
      'Cli-Bad',
      '--content',
      file('bad.json', bad),
    ]).catch((error: { stderr: string; code: number }) => error);
    expect((failed as { code: number }).code).toBe(254);
    expect((failed as { stderr: string }).stderr).toContain(
      'An error occurred (InvalidDocumentContent) when calling the CreateDocument operation: mainSteps[0] (deploy).inputs.runCommand[0]: references undeclared parameter {{ target }}',
    );
    const listed = await awsSsm<{ DocumentIdentifiers: unknown[] }>(server.url, [
      'list-documents',
      '--filters',
      'Key=Owner,Values=Self',
    ]);
    expect(listed.DocumentIdentifiers).toEqual([]);
  });

  it('sends a command with a document created here, and refuses a bad parameter', async () => {
    await awsSsm(server.url, [
      'create-document',
      '--name',
      'Cli-Send',
      '--content',
      file('send.yaml', GREET_YAML),
      '--document-format',
      'YAML',
    ]);
    const sent = await awsSsm<{ Command: Record<string, unknown> }>(server.url, [
      'send-command',
      '--document-name',
      'Cli-Send',
      '--parameters',
      'who=carol,times=2',
      '--targets',
      'Key=tag:Role,Values=nobody',
    ]);
    expect(sent.Command).toMatchObject({
      DocumentName: 'Cli-Send',
      Parameters: { who: ['carol'], times: ['2'] },
      StatusDetails: 'NoInstancesInTag',
    });
    const refused = await runAwsSsm(server.url, [
      'send-command',
      '--document-name',
      'Cli-Send',
      '--parameters',
      'who=$(id)',
      '--targets',
      'Key=tag:Role,Values=nobody',
    ]).catch((error: { stderr: string }) => error);
    expect((refused as { stderr: string }).stderr).toContain('(InvalidParameters)');
  });
});
