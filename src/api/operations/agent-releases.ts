/**
 * Mado's own operations for agent releases (target prefix `Mado.`), used by `mado releases`.
 * Publishing is admin only: a release is code that every node runs as root. The bundle is the
 * raw request body (binary form) or base64-encoded in the JSON body; this operation has the
 * upload limit (MADO_MAX_UPLOAD_BYTES, see server.ts and docs/packages.md, "Wire form").
 */
import { z } from 'zod';
import type { AgentRelease } from '../../domain/agent-release.js';
import { defineOperation } from '../operation.js';
import { uploadContent } from '../upload-content.js';
import * as S from '../wire/shapes.js';

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
    /** The bundle (`mado-agent.cjs`), base64 (JSON form); absent in the binary form, whose body it is. */
    Content: S.str({ min: 1 }).optional(),
  }),
  async handle(input, ctx) {
    const outcome = await ctx.services.releases.publish(uploadContent(input.Content, ctx, 'Content'), input.Version);
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
