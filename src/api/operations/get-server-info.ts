/**
 * `Mado.GetServerInfo`: what a node needs to trust this server, for the console's register
 * command. `Fingerprint` (`SHA256:…`, the banner's form) is present only while the server
 * serves TLS; it changes on a certificate rotation (SIGHUP).
 */
import { z } from 'zod';
import { defineOperation } from '../operation.js';
import * as S from '../wire/shapes.js';

export const getServerInfo = defineOperation({
  name: 'GetServerInfo',
  access: 'read',
  input: z.object({}),
  handle(_input, ctx) {
    const fingerprint = ctx.services.serverInfo?.fingerprint();
    return Promise.resolve(S.compact({ Tls: fingerprint !== undefined, Fingerprint: fingerprint }));
  },
});
