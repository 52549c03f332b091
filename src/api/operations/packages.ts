/**
 * Mado's own operations for the package store (targets `Mado.PublishPackage`,
 * `Mado.ListPackages`, `Mado.ListPackageVersions`, `Mado.GetPackageVersion`,
 * `Mado.DeletePackageVersion`). Packages run as root on every node that installs them, so
 * publishing and deleting need a write key, as SendCommand does. See docs/packages.md.
 */
import { z } from 'zod';
import { PACKAGE_NAME_PATTERN, PACKAGE_VERSION_PATTERN } from '../../domain/package.js';
import { defineOperation } from '../operation.js';
import { uploadContent } from '../upload-content.js';
import { nextTokenOf, pageOfList, pagingOf } from '../paging.js';
import { packageSummaryWire, packageVersionWire } from '../wire/package-wire.js';
import * as S from '../wire/shapes.js';

const PackageName = S.str({ min: 1, max: 128, pattern: PACKAGE_NAME_PATTERN });
const PackageVersion = S.str({ min: 1, max: 128, pattern: PACKAGE_VERSION_PATTERN });

export const publishPackage = defineOperation({
  name: 'PublishPackage',
  access: 'write',
  upload: { member: 'Archive' },
  input: z.object({
    Name: PackageName,
    Version: PackageVersion,
    /**
     * The gzipped tar archive, base64-encoded (JSON form); absent in the binary form, whose body
     * it is. Its size is bounded by the upload body limit and checked by the package store.
     */
    Archive: S.str({ min: 4, pattern: '^[A-Za-z0-9+/]*={0,2}$' }).optional(),
    /** Optional SHA-256 of the archive (hex): the server refuses the archive if it differs. */
    Sha256: S.str({ min: 64, max: 64, pattern: '^[0-9a-fA-F]{64}$' }).optional(),
  }),
  async handle(input, ctx) {
    const archive = uploadContent(input.Archive, ctx, 'Archive');
    const version = await ctx.services.packages.publish(input.Name, input.Version, archive, input.Sha256);
    return { PackageVersion: packageVersionWire(version) };
  },
});

export const listPackages = defineOperation({
  name: 'ListPackages',
  access: 'read',
  input: z.object({
    NamePrefix: S.str({ min: 1, max: 128 }).optional(),
    MaxResults: S.int({ min: 1, max: 50 }).optional(),
    NextToken: S.NextToken.optional(),
  }),
  async handle(input, ctx) {
    const query = { namePrefix: input.NamePrefix };
    const packages = await ctx.services.packages.listPackages(input.NamePrefix);
    const page = pageOfList(packages, pagingOf(ctx, this.name, query, input, 50));
    return S.compact({
      Packages: page.items.map(packageSummaryWire),
      NextToken: nextTokenOf(ctx, this.name, query, page),
    });
  },
});

export const listPackageVersions = defineOperation({
  name: 'ListPackageVersions',
  access: 'read',
  input: z.object({
    Name: PackageName,
    MaxResults: S.int({ min: 1, max: 50 }).optional(),
    NextToken: S.NextToken.optional(),
  }),
  async handle(input, ctx) {
    const query = { name: input.Name };
    const versions = await ctx.services.packages.listVersions(input.Name);
    const page = pageOfList(versions, pagingOf(ctx, this.name, query, input, 50));
    // Newest first: the first version of the whole listing is the latest.
    const latest = versions[0]?.version;
    return S.compact({
      PackageVersions: page.items.map((version) =>
        packageVersionWire(version, { isLatest: version.version === latest }),
      ),
      NextToken: nextTokenOf(ctx, this.name, query, page),
    });
  },
});

export const getPackageVersion = defineOperation({
  name: 'GetPackageVersion',
  access: 'read',
  input: z.object({
    Name: PackageName,
    /** Blank or absent: the latest version. */
    Version: S.str({ min: 0, max: 128, pattern: '^([0-9A-Za-z][0-9A-Za-z.+~_-]{0,127})?$' }).optional(),
  }),
  async handle(input, ctx) {
    const version = await ctx.services.packages.getVersion(input.Name, input.Version);
    const latest = await ctx.services.packages.getVersion(input.Name);
    return {
      PackageVersion: packageVersionWire(version, { isLatest: latest.version === version.version, manifest: true }),
    };
  },
});

export const deletePackageVersion = defineOperation({
  name: 'DeletePackageVersion',
  access: 'write',
  input: z.object({ Name: PackageName, Version: PackageVersion }),
  async handle(input, ctx) {
    await ctx.services.packages.deleteVersion(input.Name, input.Version);
    return {};
  },
});
