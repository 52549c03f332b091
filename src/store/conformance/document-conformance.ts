/**
 * The document part of the store conformance suite (`describeStoreConformance` calls it inside
 * its own describe block, with the fresh store of each test).
 */
import { describe, expect, it } from 'vitest';
import type { DocumentVersionSummary, StoredDocumentVersion } from '../../domain/stored-document.js';
import type { Cursor, DocumentQuery, Page, Store } from '../store.js';
import { aDocumentVersion, aStoredDocument, BUILT_AT } from './records.js';

type Summary = DocumentVersionSummary;

function summaryOf(version: StoredDocumentVersion): Summary {
  const { content: _omitted, ...summary } = version;
  return summary;
}

export function describeDocumentConformance(current: () => Store): void {
  describe('documents', () => {
    /** Stores a document named `name` with versions 1..`versions` (default 1). */
    async function seed(name: string, versions = 1, version1: Partial<StoredDocumentVersion> = {}) {
      const store = current();
      const document = aStoredDocument({ name });
      await store.insertDocument(document, aDocumentVersion({ name, ...version1 }), []);
      for (let number = 2; number <= versions; number += 1) {
        await store.insertDocumentVersion(aDocumentVersion({ name, documentVersion: number }));
      }
      return document;
    }

    async function names(query: Partial<DocumentQuery> = {}): Promise<string[]> {
      const page = await current().listDocuments({ limit: 50, ...query });
      return page.items.map((listing) => listing.document.name);
    }

    it('returns an inserted document and its first version with every member as stored', async () => {
      const store = current();
      const document = aStoredDocument({ name: 'Full-Doc', createdAt: BUILT_AT + 5 });
      const version = aDocumentVersion({
        name: 'Full-Doc',
        versionName: 'first_release',
        displayName: 'Full document',
        documentFormat: 'YAML',
        targetType: '/AWS::EC2::Instance',
        parameters: [{ name: 'commands', type: 'StringList', description: 'What to run', defaultValue: '["ls"]' }],
        platformTypes: ['Windows', 'Linux'],
        requires: [{ Name: 'Other-Doc', Version: '2' }],
        attachments: [{ Key: 'SourceUrl', Values: ['https://example.com/a.zip'], Name: 'a.zip' }],
        createdAt: BUILT_AT + 5,
      });
      await store.insertDocument(document, version, [{ Key: 'Team', Value: 'web' }]);
      expect(await store.getDocument('Full-Doc')).toEqual(document);
      expect(await store.getDocumentVersion('Full-Doc', 1)).toEqual(version);
      expect(await store.getTags('Document', 'Full-Doc')).toEqual([{ Key: 'Team', Value: 'web' }]);
    });

    it('returns a version without optional members with those members absent', async () => {
      const store = current();
      await seed('Plain-Doc', 1, { description: undefined });
      const read = await store.getDocumentVersion('Plain-Doc', 1);
      expect(read).toBeDefined();
      for (const member of ['versionName', 'displayName', 'description', 'targetType', 'requires', 'attachments']) {
        expect(read).not.toHaveProperty(member);
      }
    });

    it('returns nothing for an unknown document or version', async () => {
      const store = current();
      await seed('Known-Doc');
      expect(await store.getDocument('Unknown-Doc')).toBeUndefined();
      expect(await store.getDocumentVersion('Known-Doc', 2)).toBeUndefined();
      expect(await store.getDocumentVersion('Unknown-Doc', 1)).toBeUndefined();
    });

    it('keeps document names case-sensitive', async () => {
      const store = current();
      await seed('Case-Doc');
      expect(await store.getDocument('case-doc')).toBeUndefined();
      await seed('case-doc');
      expect(await store.countDocuments()).toBe(2);
    });

    it('refuses a second document of the same name and keeps the first', async () => {
      const store = current();
      const first = await seed('Twice-Doc');
      await expect(
        store.insertDocument(
          aStoredDocument({ name: 'Twice-Doc' }),
          aDocumentVersion({ name: 'Twice-Doc', content: '{"other":true}' }),
          [{ Key: 'Late', Value: 'tag' }],
        ),
      ).rejects.toThrow();
      expect(await store.getDocument('Twice-Doc')).toEqual(first);
      expect(await store.getTags('Document', 'Twice-Doc')).toEqual([]);
      expect(await store.countDocuments()).toBe(1);
    });

    it('counts documents', async () => {
      const store = current();
      expect(await store.countDocuments()).toBe(0);
      await seed('Count-A');
      await seed('Count-B', 3);
      expect(await store.countDocuments()).toBe(2);
    });

    it('makes an added version the latest and leaves the default alone', async () => {
      const store = current();
      await seed('Versioned-Doc');
      const second = aDocumentVersion({ name: 'Versioned-Doc', documentVersion: 2, versionName: 'v2' });
      await store.insertDocumentVersion(second);
      expect(await store.getDocument('Versioned-Doc')).toMatchObject({
        defaultVersion: 1,
        latestVersion: 2,
        versionCounter: 2,
      });
      expect(await store.getDocumentVersion('Versioned-Doc', 2)).toEqual(second);
      expect(await store.countDocumentVersions('Versioned-Doc')).toBe(2);
    });

    it('finds a version by its VersionName and by its content hash', async () => {
      const store = current();
      await seed('Named-Doc', 1, { versionName: 'alpha' });
      const second = aDocumentVersion({ name: 'Named-Doc', documentVersion: 2, versionName: 'beta' });
      await store.insertDocumentVersion(second);
      expect(await store.findDocumentVersionByName('Named-Doc', 'beta')).toEqual(second);
      expect(await store.findDocumentVersionByName('Named-Doc', 'Beta')).toBeUndefined();
      expect(await store.findDocumentVersionByName('Other-Doc', 'beta')).toBeUndefined();
      expect(await store.findDocumentVersionByHash('Named-Doc', second.hash)).toBe(2);
      expect(await store.findDocumentVersionByHash('Named-Doc', 'f'.repeat(64))).toBeUndefined();
    });

    it('refuses a VersionName already used in the document, but not in another document', async () => {
      const store = current();
      await seed('Unique-A', 1, { versionName: 'release' });
      await seed('Unique-B', 1, { versionName: 'release' });
      await expect(
        store.insertDocumentVersion(aDocumentVersion({ name: 'Unique-A', documentVersion: 2, versionName: 'release' })),
      ).rejects.toThrow();
      expect(await store.getDocument('Unique-A')).toMatchObject({ latestVersion: 1 });
      // Versions without a name never collide.
      await store.insertDocumentVersion(aDocumentVersion({ name: 'Unique-B', documentVersion: 2 }));
      await store.insertDocumentVersion(aDocumentVersion({ name: 'Unique-B', documentVersion: 3 }));
      expect(await store.countDocumentVersions('Unique-B')).toBe(3);
    });

    it('lists versions in number order without content, page by page', async () => {
      const store = current();
      await seed('Paged-Doc', 5);
      const pages: Page<Summary>[] = [];
      let after: Cursor | undefined;
      do {
        const page = await store.listDocumentVersions('Paged-Doc', { limit: 2, after });
        pages.push(page);
        after = page.next;
      } while (after !== undefined);
      expect(pages.map((page) => page.items.length)).toEqual([2, 2, 1]);
      expect(pages.flatMap((page) => page.items.map((item) => item.documentVersion))).toEqual([1, 2, 3, 4, 5]);
      expect(pages[0]!.items[0]).toEqual(summaryOf(aDocumentVersion({ name: 'Paged-Doc' })));
      expect(pages[0]!.items[0]).not.toHaveProperty('content');
      expect(await store.listDocumentVersions('No-Such-Doc', { limit: 2 })).toEqual({ items: [] });
    });

    it('changes the default version', async () => {
      const store = current();
      await seed('Default-Doc', 3);
      expect(await store.setDefaultDocumentVersion('Default-Doc', 2)).toBe(true);
      expect(await store.getDocument('Default-Doc')).toMatchObject({ defaultVersion: 2, latestVersion: 3 });
      expect(await store.setDefaultDocumentVersion('No-Such-Doc', 1)).toBe(false);
    });

    it('deletes one version, lowering the latest to the highest left but never the counter', async () => {
      const store = current();
      await seed('Shrinking-Doc', 3);
      expect(await store.deleteDocumentVersion('Shrinking-Doc', 3)).toBe(true);
      expect(await store.getDocument('Shrinking-Doc')).toMatchObject({
        defaultVersion: 1,
        latestVersion: 2,
        versionCounter: 3,
      });
      expect(await store.getDocumentVersion('Shrinking-Doc', 3)).toBeUndefined();
      expect(await store.deleteDocumentVersion('Shrinking-Doc', 3)).toBe(false);
      await store.insertDocumentVersion(aDocumentVersion({ name: 'Shrinking-Doc', documentVersion: 4 }));
      expect(await store.getDocument('Shrinking-Doc')).toMatchObject({ latestVersion: 4, versionCounter: 4 });
    });

    it('deletes a document with every version and its tags', async () => {
      const store = current();
      await store.insertDocument(aStoredDocument({ name: 'Doomed-Doc' }), aDocumentVersion({ name: 'Doomed-Doc' }), [
        { Key: 'Env', Value: 'Dev' },
      ]);
      await store.insertDocumentVersion(aDocumentVersion({ name: 'Doomed-Doc', documentVersion: 2 }));
      await seed('Kept-Doc');
      expect(await store.deleteDocument('Doomed-Doc')).toBe(true);
      expect(await store.getDocument('Doomed-Doc')).toBeUndefined();
      expect(await store.countDocumentVersions('Doomed-Doc')).toBe(0);
      expect(await store.getTags('Document', 'Doomed-Doc')).toEqual([]);
      expect(await store.deleteDocument('Doomed-Doc')).toBe(false);
      expect(await store.getDocument('Kept-Doc')).toBeDefined();
    });

    it('lists documents by name with their default version, page by page', async () => {
      const store = current();
      for (const name of ['Gamma', 'alpha', 'Beta', 'Delta', 'Epsilon']) {
        await seed(name, 2);
      }
      await store.setDefaultDocumentVersion('Delta', 2);
      const listings = [];
      let after: Cursor | undefined;
      const sizes: number[] = [];
      do {
        const page = await store.listDocuments({ limit: 2, after });
        sizes.push(page.items.length);
        listings.push(...page.items);
        after = page.next;
      } while (after !== undefined);
      expect(sizes).toEqual([2, 2, 1]);
      // Binary order: upper case before lower case.
      expect(listings.map((listing) => listing.document.name)).toEqual(['Beta', 'Delta', 'Epsilon', 'Gamma', 'alpha']);
      const delta = listings.find((listing) => listing.document.name === 'Delta')!;
      expect(delta.defaultVersion).toEqual(summaryOf(aDocumentVersion({ name: 'Delta', documentVersion: 2 })));
      expect(listings.find((listing) => listing.document.name === 'Beta')!.defaultVersion.documentVersion).toBe(1);
    });

    it('filters documents by exact, case-sensitive name prefix', async () => {
      for (const name of ['Patch_Linux', 'PatchXLinux', 'Patching', 'patch-lower', 'Restart']) {
        await seed(name);
      }
      expect(await names({ namePrefixes: [['Patch_']] })).toEqual(['Patch_Linux']);
      expect(await names({ namePrefixes: [['Patch']] })).toEqual(['PatchXLinux', 'Patch_Linux', 'Patching']);
      expect(await names({ namePrefixes: [['Patch_', 'Rest']] })).toEqual(['Patch_Linux', 'Restart']);
      expect(await names({ namePrefixes: [['Patch'], ['Patching']] })).toEqual(['Patching']);
      expect(await names({ namePrefixes: [[]] })).toEqual([]);
    });

    it("filters documents by their default version's platform and target types", async () => {
      const store = current();
      await seed('Linux-Doc', 1, { platformTypes: ['Linux', 'MacOS'], targetType: '/AWS::EC2::Instance' });
      await seed('Windows-Doc', 1, { platformTypes: ['Windows'], targetType: '/' });
      await seed('Changing-Doc', 1, { platformTypes: ['Linux'] });
      await store.insertDocumentVersion(
        aDocumentVersion({ name: 'Changing-Doc', documentVersion: 2, platformTypes: ['Windows'] }),
      );
      expect(await names({ platformTypes: [['Linux']] })).toEqual(['Changing-Doc', 'Linux-Doc']);
      expect(await names({ platformTypes: [['MacOS', 'Windows']] })).toEqual(['Linux-Doc', 'Windows-Doc']);
      expect(await names({ platformTypes: [['Linux'], ['MacOS']] })).toEqual(['Linux-Doc']);
      expect(await names({ platformTypes: [['L_nux']] })).toEqual([]);
      expect(await names({ platformTypes: [['%']] })).toEqual([]);
      expect(await names({ targetTypes: [['/']] })).toEqual(['Windows-Doc']);
      expect(await names({ documentTypes: [['Command']], targetTypes: [['/AWS::EC2::Instance', '/']] })).toEqual([
        'Linux-Doc',
        'Windows-Doc',
      ]);
      expect(await names({ documentTypes: [['Automation']] })).toEqual([]);
    });

    it('filters documents by a tag key and its values', async () => {
      const store = current();
      await store.insertDocument(aStoredDocument({ name: 'Prod-Doc' }), aDocumentVersion({ name: 'Prod-Doc' }), [
        { Key: 'Env', Value: 'Prod' },
      ]);
      await store.insertDocument(aStoredDocument({ name: 'Dev-Doc' }), aDocumentVersion({ name: 'Dev-Doc' }), [
        { Key: 'Env', Value: 'Dev' },
        { Key: 'Team', Value: 'web' },
      ]);
      await seed('Untagged-Doc');
      // A window tagged alike does not count.
      await store.replaceTags('MaintenanceWindow', 'Untagged-Doc', [{ Key: 'Env', Value: 'Prod' }]);
      expect(await names({ tag: { key: 'Env', values: ['Prod'] } })).toEqual(['Prod-Doc']);
      expect(await names({ tag: { key: 'Env', values: ['Prod', 'Dev'] } })).toEqual(['Dev-Doc', 'Prod-Doc']);
      expect(await names({ tag: { key: 'Env', values: [] } })).toEqual(['Dev-Doc', 'Prod-Doc']);
      expect(await names({ tag: { key: 'env', values: [] } })).toEqual([]);
      expect(await names({ tag: { key: 'Team', values: [] }, namePrefixes: [['Prod']] })).toEqual([]);
    });
  });
}
