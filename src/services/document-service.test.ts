import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  AlreadyExistsError,
  ConflictError,
  LimitExceededError,
  NotFoundError,
  ValidationError,
} from '../domain/errors.js';
import type { Clock } from '../shared/clock.js';
import { silentLogger } from '../shared/logger.js';
import { openSqliteStore } from '../store/sqlite/sqlite-store.js';
import type { Cursor, Store } from '../store/store.js';
import { DocumentService } from './document-service.js';
import type { DocumentListQuery } from './document-listing.js';
import { DEFAULT_QUOTAS, type Quotas } from './service-context.js';
import { StoreDocumentCatalog } from './store-document-catalog.js';

const ACCOUNT = '123456789012';
let now = Date.UTC(2024, 0, 15, 12, 0, 0);
const clock: Clock = { now: () => new Date(now), sleep: () => Promise.resolve() };

/** A schema 2.2 document whose one step echoes `text`. */
function content(text: string, parameters: Record<string, unknown> = {}): string {
  return JSON.stringify({
    schemaVersion: '2.2',
    description: `Echoes ${text}`,
    parameters,
    mainSteps: [{ action: 'aws:runShellScript', name: 'echo', inputs: { runCommand: [`echo ${text}`] } }],
  });
}

let directory: string;
let store: Store;
let documents: DocumentService;

function service(quotas: Quotas = DEFAULT_QUOTAS): DocumentService {
  return new DocumentService({ store, clock, logger: silentLogger, quotas, accountId: ACCOUNT });
}

async function thrown(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'mado-document-service-'));
  store = openSqliteStore({ filename: join(directory, 'mado.db') }, now).store;
  documents = service();
});

afterEach(async () => {
  await store.close();
  rmSync(directory, { recursive: true, force: true });
});

describe('DocumentService versions', () => {
  it('creates version 1 as default and latest, and adds versions without moving the default', async () => {
    const created = await documents.create({ name: 'Echo', content: content('one'), tags: [{ Key: 'k', Value: 'v' }] });
    expect(created.document).toMatchObject({ owner: ACCOUNT, defaultVersion: 1, latestVersion: 1 });
    expect(created.tags).toEqual([{ Key: 'k', Value: 'v' }]);
    now += 1000;
    const updated = await documents.update({ name: 'Echo', content: content('two'), documentVersion: '$LATEST' });
    expect(updated.version).toMatchObject({ documentVersion: 2, description: 'Echoes two', createdAt: now });
    expect(updated.document).toMatchObject({ defaultVersion: 1, latestVersion: 2 });
    expect((await documents.describe('Echo')).version.documentVersion).toBe(1);
    expect((await documents.describe('Echo', { documentVersion: '$LATEST' })).version.documentVersion).toBe(2);
  });

  it('inherits DisplayName and TargetType from the latest version when an update leaves them out', async () => {
    await documents.create({ name: 'Echo', content: content('one'), displayName: 'Echo it', targetType: '/' });
    const updated = await documents.update({ name: 'Echo', content: content('two') });
    expect(updated.version).toMatchObject({ displayName: 'Echo it', targetType: '/' });
  });

  it('refuses to update any version but the latest', async () => {
    await documents.create({ name: 'Echo', content: content('one') });
    await documents.update({ name: 'Echo', content: content('two') });
    const error = await thrown(documents.update({ name: 'Echo', content: content('three'), documentVersion: '1' }));
    expect(error).toMatchObject({ reason: 'DocumentVersionNotLatest' });
    expect((error as Error).message).toContain('Only the latest version of document Echo (2)');
  });

  it('numbers versions on after the latest was deleted, never reusing a number', async () => {
    await documents.create({ name: 'Echo', content: content('one') });
    await documents.update({ name: 'Echo', content: content('two') });
    await documents.delete('Echo', { documentVersion: '2' });
    const third = await documents.update({ name: 'Echo', content: content('three') });
    expect(third.version.documentVersion).toBe(3);
    expect(third.document.latestVersion).toBe(3);
  });

  it('refuses a version over the versions quota with DocumentVersionLimit', async () => {
    documents = service({ ...DEFAULT_QUOTAS, versionsPerDocument: 2 });
    await documents.create({ name: 'Echo', content: content('one') });
    await documents.update({ name: 'Echo', content: content('two') });
    const error = await thrown(documents.update({ name: 'Echo', content: content('three') }));
    expect(error).toBeInstanceOf(LimitExceededError);
    expect(error).toMatchObject({ reason: 'DocumentVersionLimit' });
    expect(await store.countDocumentVersions('Echo')).toBe(2);
  });

  it('refuses a document over the documents quota with DocumentLimit, and a name in use', async () => {
    documents = service({ ...DEFAULT_QUOTAS, documents: 1 });
    await documents.create({ name: 'Echo', content: content('one') });
    expect(await thrown(documents.create({ name: 'Echo', content: content('two') }))).toBeInstanceOf(
      AlreadyExistsError,
    );
    expect(await thrown(documents.create({ name: 'Other', content: content('two') }))).toMatchObject({
      reason: 'DocumentLimit',
    });
  });

  it('refuses content identical to any version, and a version name in use', async () => {
    await documents.create({ name: 'Echo', content: content('one'), versionName: 'first' });
    await documents.update({ name: 'Echo', content: content('two') });
    expect(await thrown(documents.update({ name: 'Echo', content: content('one') }))).toMatchObject({
      reason: 'UnchangedContent',
    });
    expect(
      await thrown(documents.update({ name: 'Echo', content: content('three'), versionName: 'first' })),
    ).toMatchObject({ reason: 'VersionNameTaken' });
  });

  it('finds versions by VersionName, and refuses a name that does not go with the number', async () => {
    await documents.create({ name: 'Echo', content: content('one'), versionName: 'first' });
    await documents.update({ name: 'Echo', content: content('two'), versionName: 'second' });
    expect((await documents.describe('Echo', { versionName: 'second' })).version.documentVersion).toBe(2);
    expect(
      (await documents.describe('Echo', { versionName: 'second', documentVersion: '2' })).version.versionName,
    ).toBe('second');
    const error = await thrown(documents.describe('Echo', { versionName: 'second', documentVersion: '1' }));
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as Error).message).toBe('Document Echo has no version 1 named second.');
  });

  it('keeps the default version unless it is the only one', async () => {
    await documents.create({ name: 'Echo', content: content('one') });
    await documents.update({ name: 'Echo', content: content('two') });
    expect(await thrown(documents.delete('Echo', { documentVersion: '$DEFAULT' }))).toMatchObject({
      reason: 'DefaultVersionInUse',
    });
    await documents.updateDefaultVersion('Echo', '2');
    await documents.delete('Echo', { documentVersion: '1' });
    await documents.delete('Echo', { documentVersion: '2' });
    expect(await store.getDocument('Echo')).toBeUndefined();
  });

  it('answers a document ARN of this account or none, and not of another', async () => {
    await documents.create({ name: 'Echo', content: content('one') });
    expect((await documents.describe(`arn:aws:ssm:us-east-1:${ACCOUNT}:document/Echo`)).document.name).toBe('Echo');
    expect((await documents.describe('arn:aws:ssm:us-east-1::document/AWS-RunShellScript')).document.owner).toBe(
      'Amazon',
    );
    expect(await thrown(documents.describe('arn:aws:ssm:us-east-1:999999999999:document/Echo'))).toBeInstanceOf(
      NotFoundError,
    );
  });

  it('refuses every change to an Amazon-owned document', async () => {
    for (const change of [
      documents.update({ name: 'AWS-RunShellScript', content: content('x') }),
      documents.updateDefaultVersion('AWS-RunShellScript', '1'),
      documents.delete('AWS-RunShellScript'),
    ]) {
      const error = await thrown(change);
      expect(error).toBeInstanceOf(ConflictError);
      expect(error).toMatchObject({ reason: 'BuiltinDocument' });
    }
  });

  it('refuses document types other than Command, naming documentType', async () => {
    const error = await thrown(
      documents.create({ name: 'Runbook', content: content('x'), documentType: 'Automation' }),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).violations[0]?.field).toBe('documentType');
  });
});

describe('DocumentService.list', () => {
  async function allNames(query: DocumentListQuery, limit: number): Promise<string[][]> {
    const pages: string[][] = [];
    let after: Cursor | undefined;
    do {
      const page = await documents.list(query, { limit, after });
      pages.push(page.items.map((item) => item.document.name));
      after = page.next;
    } while (after !== undefined);
    return pages;
  }

  beforeEach(async () => {
    for (const name of ['Apply', 'Backup', 'Zeta', 'Build']) {
      await documents.create({ name, content: content(name) });
    }
  });

  it('merges built-in and stored documents by name across pages', async () => {
    expect(await allNames({}, 3)).toEqual([
      ['AWS-ConfigureAWSPackage', 'AWS-RunPowerShellScript', 'AWS-RunShellScript'],
      ['AWS-UpdateSSMAgent', 'Apply', 'Backup'],
      ['Build', 'Zeta'],
    ]);
  });

  it('lists only stored documents for Owner Self and only built-ins for Owner Amazon', async () => {
    expect((await allNames({ owner: 'Self' }, 50)).flat()).toEqual(['Apply', 'Backup', 'Build', 'Zeta']);
    expect((await allNames({ owner: 'Amazon' }, 2)).flat()).toEqual([
      'AWS-ConfigureAWSPackage',
      'AWS-RunPowerShellScript',
      'AWS-RunShellScript',
      'AWS-UpdateSSMAgent',
    ]);
    expect((await allNames({ owner: 'ThirdParty' }, 50)).flat()).toEqual([]);
  });

  it('filters both sources alike by name prefix and platform', async () => {
    expect((await allNames({ namePrefixes: [['AWS-Run', 'B']] }, 50)).flat()).toEqual([
      'AWS-RunPowerShellScript',
      'AWS-RunShellScript',
      'Backup',
      'Build',
    ]);
    expect((await allNames({ platformTypes: [['Windows']] }, 50)).flat()).toEqual([
      'AWS-ConfigureAWSPackage',
      'AWS-RunPowerShellScript',
      'AWS-UpdateSSMAgent',
    ]);
  });
});

describe('StoreDocumentCatalog', () => {
  it('resolves stored documents by $DEFAULT, $LATEST and number, and built-ins as before', async () => {
    await documents.create({
      name: 'Echo',
      content: content('one', { who: { type: 'String', allowedValues: ['me'] } }),
    });
    await documents.update({ name: 'Echo', content: content('two') });
    const catalog = new StoreDocumentCatalog(store, ACCOUNT);
    expect((await catalog.resolve('Echo', undefined)).version).toBe('1');
    expect((await catalog.resolve('Echo', '$LATEST')).version).toBe('2');
    expect((await catalog.resolve(`arn:aws:ssm:us-east-1:${ACCOUNT}:document/Echo`, '2')).version).toBe('2');
    expect((await catalog.resolve('AWS-RunShellScript', '$LATEST')).version).toBe('1');
    const first = await catalog.resolve('Echo', '1');
    expect(first.render({ who: ['me'] }).steps).toEqual([
      { action: 'aws:runShellScript', name: 'echo', inputs: { runCommand: ['echo one'] } },
    ]);
    expect(() => first.render({ who: ['me; reboot'] })).toThrow(/not one of the allowed values/);
    expect(await thrown(catalog.resolve('Echo', '3'))).toMatchObject({ resource: 'DocumentVersion' });
    expect(await thrown(catalog.resolve('Nope', undefined))).toMatchObject({ resource: 'Document' });
    expect(await thrown(catalog.resolve('arn:aws:ssm:us-east-1:999999999999:document/Echo', undefined))).toMatchObject({
      resource: 'Document',
    });
  });

  it('does not resolve a deleted version', async () => {
    await documents.create({ name: 'Echo', content: content('one') });
    await documents.update({ name: 'Echo', content: content('two') });
    const catalog = new StoreDocumentCatalog(store, ACCOUNT);
    await catalog.resolve('Echo', '2');
    await documents.delete('Echo', { documentVersion: '2' });
    expect(await thrown(catalog.resolve('Echo', '2'))).toMatchObject({ resource: 'DocumentVersion' });
  });
});
