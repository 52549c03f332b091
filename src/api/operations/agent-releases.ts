/**
 * Mado's own operations for agent releases (target prefix `Mado.`), used by `mado releases`.
 * Publishing is admin only: a release is code that every node runs as root. The bundle travels
 * base64-encoded in the JSON body; this operation has a larger body limit than the others
 * (`maxUploadBodyBytes`, see server.ts).
 */
import { z } from 'zod';
import type { AgentRelease } from '../../domain/agent-release.js';
import { ValidationError } from '../../domain/errors.js';
import { defineOperation } from '../operation.js';
import * as S from '../wire/shapes.js';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function releaseWire(release: AgentRelease & { readonly isLatest?: boolean }) {
  return S.compact({
    Version: release.version,
    Sha256: release.sha256,
    SizeBytes: release.sizeBytes,
    PublishedDate: S.timestamp(release.publishedAt),
    IsLatest: release.isLatest,
  });
}

export const publishAgentRelease = defineOperation({
  name: 'PublishAgentRelease',
  access: 'admin',
  upload: { member: 'Content' },
  input: z.object({
    /** Default: the version the bundle declares in its marker line. */
    Version: S.str({ min: 1, max: 64 }).optional(),
    /** The bundle (`mado-agent.cjs`), base64. */
    Content: S.str({ min: 1 }),
  }),
  async handle(input, ctx) {
    if (input.Content.length % 4 !== 0 || !BASE64.test(input.Content)) {
      throw ValidationError.field('content', 'Member must be base64-encoded (RFC 4648, with padding)');
    }
    const outcome = await ctx.services.releases.publish(Buffer.from(input.Content, 'base64'), input.Version);
    const latest = await ctx.services.releases.latestVersion();
    return {
      AgentRelease: releaseWire({ ...outcome.release, isLatest: latest === outcome.release.version }),
      Created: outcome.created,
    };
  },
});

export const listAgentReleases = defineOperation({
  name: 'ListAgentReleases',
  access: 'read',
  input: z.object({}),
  async handle(_input, ctx) {
    return { AgentReleases: (await ctx.services.releases.list()).map(releaseWire) };
  },
});
