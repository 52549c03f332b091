/**
 * The HTTP side of the agent protocol: `POST /agent/v1/register`, where an agent exchanges an
 * activation for a node id. Not SigV4-signed: the activation code is the credential. Every
 * attempt is audited as operation `RegisterAgent` (`allowed`, or `refused` with the error type),
 * with the activation id claimed as the resource and the peer address.
 */
import type { FastifyInstance } from 'fastify';
import { toWireError } from '../api/errors.js';
import { ValidationError } from '../domain/errors.js';
import { exceedsJsonDepth, MAX_JSON_DEPTH } from '../api/wire/json-depth.js';
import {
  RegisterRequestSchema,
  REGISTER_PATH,
  type RegisterError,
  type RegisterResponse,
} from '../protocol/agent-protocol.js';
import type { ActivationService } from '../services/activation-service.js';
import { normaliseAddress, type AuditRecorder } from '../shared/audit-recorder.js';
import type { Logger } from '../shared/logger.js';

export function registerAgentRoutes(
  app: FastifyInstance,
  activations: ActivationService,
  logger: Logger,
  audit: AuditRecorder,
): void {
  app.post(REGISTER_PATH, async (request, reply) => {
    const record = (outcome: 'allowed' | 'refused', detail: string, activationId?: string) =>
      audit.record({
        operation: 'RegisterAgent',
        outcome,
        detail,
        resourceId: activationId?.slice(0, 128),
        sourceIp: normaliseAddress(request.socket.remoteAddress),
        target: REGISTER_PATH,
        requestId: request.id,
      });
    const text = Buffer.isBuffer(request.body) ? request.body.toString('utf8') : String(request.body ?? '');
    if (exceedsJsonDepth(text)) {
      await record('refused', 'Malformed');
      return reply.code(400).send({
        error: 'Malformed',
        message: `The body is nested deeper than ${MAX_JSON_DEPTH} levels.`,
      } satisfies RegisterError);
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      await record('refused', 'Malformed');
      return reply.code(400).send({ error: 'Malformed', message: 'The body is not JSON.' } satisfies RegisterError);
    }
    const parsed = RegisterRequestSchema.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      await record('refused', 'Malformed');
      return reply.code(400).send({
        error: 'Malformed',
        message: `Invalid registration request at ${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`,
      } satisfies RegisterError);
    }
    try {
      const node = await activations.register({ ...parsed.data, tags: parsed.data.tags ?? [] });
      logger.info({ nodeId: node.instanceId, activationId: node.activationId }, 'node registered');
      await record('allowed', `node ${node.instanceId}`, parsed.data.activationId);
      return reply.code(200).send({ nodeId: node.instanceId } satisfies RegisterResponse);
    } catch (error) {
      const wire = toWireError(error);
      await record('refused', wire.type, parsed.data.activationId);
      if (wire.isBug) {
        logger.error({ err: error }, 'registration failed');
      } else {
        logger.warn(
          { activationId: parsed.data.activationId, error: wire.type },
          `registration refused: ${wire.message}`,
        );
      }
      // A refused activation is a credential that does not admit this node.
      const refused = error instanceof ValidationError && error.reason === 'ActivationRefused';
      return reply
        .code(wire.isBug ? 500 : refused ? 403 : 400)
        .send({ error: wire.type, message: wire.message } satisfies RegisterError);
    }
  });
}
