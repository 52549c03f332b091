/**
 * The API's HTTP routes: every operation on one path, told apart by X-Amz-Target; the upload
 * operations get the upload limits (and the binary form, streamed) only when their headers claim
 * a caller allowed to upload, decided before the body is read; throttled addresses and uploads
 * claimed by a key whose role may not upload are answered before their bodies.
 */
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { JSON_CONTENT_TYPE, type ApiHandler, type ApiResponse } from '../api/api-handler.js';
import { BINARY_CONTENT_TYPE } from '../api/binary-upload.js';
import { errorBody } from '../api/errors.js';
import type { ServerConfig } from './config.js';
import { closingErrorHeaders, THROTTLED_MESSAGE, type HttpGuard } from './http-limits.js';
import { StreamedUpload, withinLimit } from './upload-receiver.js';

/**
 * Routes requests for the upload operations by their X-Amz-Target header, so that only those
 * get the larger body limit (every operation shares one path), and only when their headers
 * claim a caller allowed to upload (`ApiHandler.uploadClaim`): any other request claiming an
 * upload operation is routed with the small limit, decided before its body is read.
 */
type ConstraintStrategy = Parameters<FastifyInstance['addConstraintStrategy']>[0];
type RouteStore = Parameters<ReturnType<ConstraintStrategy['storage']>['set']>[1];

/** Operations whose bodies carry files: answered with the upload limits instead of `maxBodyBytes`. */
const UPLOAD_TARGETS: readonly string[] = ['Mado.PublishAgentRelease', 'Mado.PublishPackage'];

function amzTargetConstraint(api: ApiHandler): ConstraintStrategy {
  return {
    name: 'amzTarget',
    storage() {
      const handlers = new Map<unknown, RouteStore>();
      return {
        get: (target) => handlers.get(target) ?? null,
        set: (target, store) => {
          handlers.set(target, store);
        },
      };
    },
    deriveConstraint: (request: IncomingMessage) => {
      const claim = api.uploadClaim(request.headersDistinct as Record<string, string[]>);
      return claim.kind === 'permitted' ? String(request.headers['x-amz-target']) : '';
    },
    mustMatchWhenDerived: false,
  };
}

/** The body of a binary upload as its parser leaves it: not read. */
const STREAMED_BODY = Symbol('streamed upload body');

/** The SSM API on `/` (and the base path), and `/healthz`. */
export function registerApiRoutes(app: FastifyInstance, api: ApiHandler, config: ServerConfig, http: HttpGuard): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: config.maxBodyBytes }, (_request, body, done) => {
    done(null, body);
  });
  // A throttled address is answered before its body is read and without verifying anything.
  const refuseThrottled = async (request: FastifyRequest, reply: FastifyReply) => {
    if (http.isThrottled(request.raw)) {
      const body = JSON.stringify(errorBody('ThrottlingException', THROTTLED_MESSAGE));
      return reply.code(400).headers(closingErrorHeaders('ThrottlingException')).send(Buffer.from(body));
    }
  };
  // An upload claimed by a known key whose role may not upload: refused before its body is read.
  const refuseDeniedUpload = async (request: FastifyRequest, reply: FastifyReply) => {
    const claim = api.uploadClaim(request.raw.headersDistinct as Record<string, string[]>);
    if (claim.kind === 'denied') {
      const body = JSON.stringify(errorBody('AccessDeniedException', claim.message));
      // A body within the upload limit is discarded after the answer (the client still sending it
      // then reads the answer instead of a reset); any other is not read: the connection closes.
      const length = Number(request.headers['content-length'] ?? Number.NaN);
      const headers = withinLimit(length, config.uploads.maxUploadBytes)
        ? { 'content-type': JSON_CONTENT_TYPE, 'x-amzn-errortype': 'AccessDeniedException' }
        : closingErrorHeaders('AccessDeniedException');
      return reply.code(400).headers(headers).send(Buffer.from(body));
    }
  };
  const answer = async (request: FastifyRequest, reply: FastifyReply) => {
    const raw = request.raw;
    const queryAt = raw.url?.indexOf('?') ?? -1;
    // A binary upload's body is left unread by its parser: the API reads it once it may.
    const length = raw.headers['content-length'];
    const upload =
      request.body === STREAMED_BODY
        ? new StreamedUpload(raw, length === undefined ? undefined : Number(length), {
            dir: config.dataDir,
            maxBytes: config.uploads.maxUploadBytes,
          })
        : undefined;
    let response: ApiResponse;
    try {
      response = await api.handle({
        method: raw.method ?? 'POST',
        path: queryAt >= 0 ? raw.url!.slice(0, queryAt) : (raw.url ?? '/'),
        query: queryAt >= 0 ? raw.url!.slice(queryAt + 1) : '',
        // Distinct values: SigV4 joins repeated headers with ',' where Node's merged view uses ', '.
        headers: raw.headersDistinct as Record<string, string[]>,
        body: Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0),
        remoteAddress: http.remoteAddress(raw),
        upload,
      });
    } finally {
      await upload?.dispose();
    }
    http.authenticationOutcome(raw, response.authentication);
    // An upload refused part-way through its body, or whose rest may exceed the limit: not read further.
    const headers = upload?.mustClose === true ? { ...response.headers, connection: 'close' } : response.headers;
    // A Buffer, so that Fastify sends the content type exactly as given (no charset suffix).
    return reply.code(response.status).headers(headers).send(Buffer.from(response.body));
  };
  const paths = new Set(['/']);
  if (config.basePath !== '/') {
    paths.add(config.basePath);
    paths.add(`${config.basePath}/`);
  }
  app.addConstraintStrategy(amzTargetConstraint(api));
  for (const path of paths) {
    app.post(path, { onRequest: [refuseThrottled, refuseDeniedUpload] }, answer);
  }
  // The upload routes, in their own context: there an application/octet-stream body (the binary
  // form) is not read by the parser but streamed by the API (StreamedUpload); a JSON body gets
  // the JSON form's upload limit.
  void app.register(async (uploads) => {
    uploads.addContentTypeParser(BINARY_CONTENT_TYPE, (_request, _payload, done) => done(null, STREAMED_BODY));
    for (const path of paths) {
      for (const target of UPLOAD_TARGETS) {
        uploads.post(
          path,
          {
            bodyLimit: config.uploads.maxJsonUploadBodyBytes,
            constraints: { amzTarget: target },
            onRequest: refuseThrottled,
          },
          answer,
        );
      }
    }
  });
  app.get('/healthz', async () => ({ status: 'ok' }));
}
