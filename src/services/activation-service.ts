/**
 * Hybrid activations and node registration (spec §9.4-§9.6): an operator creates an activation;
 * an agent exchanges its id and code, once, for a node id bound to the agent's public key.
 */
import { createHash, createPublicKey, timingSafeEqual } from 'node:crypto';
import { activationExpiry, activationRefusal, isActivationExpired, type Activation } from '../domain/activation.js';
import { NotFoundError, ValidationError } from '../domain/errors.js';
import type { ManagedNode, NodeFacts } from '../domain/managed-node.js';
import { validateNewTags, type Tag } from '../domain/tags.js';
import { newManagedInstanceId, newUuid, randomString } from '../shared/ids.js';
import type { ActivationQuery, Page } from '../store/store.js';
import type { ServiceContext } from './service-context.js';

export interface NewActivation {
  readonly description?: string;
  readonly defaultInstanceName?: string;
  readonly iamRole: string;
  readonly registrationLimit?: number;
  readonly expiresAt?: number;
  readonly tags: readonly Tag[];
}

/** An activation as DescribeActivations shows it. */
export interface ActivationView {
  readonly activation: Activation;
  /** Expired at the time of the request. */
  readonly expired: boolean;
}

export interface Registration {
  readonly activationId: string;
  readonly activationCode: string;
  /** Ed25519 public key, SPKI DER, base64. */
  readonly publicKey: string;
  readonly name?: string;
  readonly tags: readonly Tag[];
  readonly facts: NodeFacts;
}

function hashCode(code: string): string {
  return createHash('sha256').update(code).digest('hex');
}

export class ActivationService {
  constructor(private readonly ctx: ServiceContext) {}

  /** @returns the id and the code (shown once; only its hash is kept). */
  async create(request: NewActivation): Promise<{ activationId: string; activationCode: string }> {
    const now = this.ctx.clock.now().getTime();
    validateNewTags(request.tags);
    const activationCode = randomString(20);
    const activation: Activation = {
      activationId: newUuid(),
      activationCodeHash: hashCode(activationCode),
      description: request.description,
      defaultInstanceName: request.defaultInstanceName,
      iamRole: request.iamRole,
      registrationLimit: request.registrationLimit ?? 1,
      registrationsCount: 0,
      expiresAt: activationExpiry(request.expiresAt, now),
      createdAt: now,
      deleted: false,
      tags: request.tags,
    };
    await this.ctx.store.insertActivation(activation);
    return { activationId: activation.activationId, activationCode };
  }

  /** Activations not deleted, newest first, each with whether it has expired by now. */
  async describe(query: ActivationQuery): Promise<Page<ActivationView>> {
    const now = this.ctx.clock.now().getTime();
    const page = await this.ctx.store.listActivations(query);
    return {
      items: page.items.map((activation) => ({ activation, expired: isActivationExpired(activation, now) })),
      next: page.next,
    };
  }

  /**
   * Stops further registrations; nodes already registered stay.
   * @throws NotFoundError(Activation); ValidationError(ActivationRefused) when deleted already.
   */
  async delete(activationId: string): Promise<void> {
    await this.ctx.store.transaction(async (store) => {
      const activation = await store.getActivation(activationId);
      if (activation === undefined) {
        throw new NotFoundError('Activation', activationId, `Activation ${activationId} does not exist.`);
      }
      if (activation.deleted) {
        throw new ValidationError(`Activation ${activationId} has already been deleted.`, {
          reason: 'ActivationRefused',
        });
      }
      await store.deleteActivation(activationId);
    });
  }

  /**
   * Registers a node: checks the activation and the code, creates `mi-…` with the activation's
   * name, role and tags (the agent's own tags added), and counts the registration.
   * @throws ValidationError (reason ActivationRefused / UnknownActivation, or none for bad input).
   */
  async register(registration: Registration): Promise<ManagedNode> {
    const now = this.ctx.clock.now().getTime();
    validateNewTags(registration.tags);
    try {
      const key = createPublicKey({ key: Buffer.from(registration.publicKey, 'base64'), format: 'der', type: 'spki' });
      if (key.asymmetricKeyType !== 'ed25519') {
        throw new Error(`key type ${key.asymmetricKeyType}`);
      }
    } catch (error) {
      throw new ValidationError('publicKey must be an Ed25519 public key (SPKI DER, base64).', {
        violations: [{ field: 'publicKey', message: 'not an Ed25519 public key' }],
        cause: error,
      });
    }
    return this.ctx.store.transaction(async (store) => {
      const activation = await store.getActivation(registration.activationId);
      if (activation === undefined) {
        throw new ValidationError(`Activation ${registration.activationId} does not exist.`, {
          reason: 'UnknownActivation',
        });
      }
      const expected = Buffer.from(activation.activationCodeHash, 'hex');
      const given = Buffer.from(hashCode(registration.activationCode), 'hex');
      if (!timingSafeEqual(expected, given)) {
        throw new ValidationError(`The activation code does not match activation ${activation.activationId}.`, {
          reason: 'ActivationRefused',
        });
      }
      const refusal = activationRefusal(activation, now);
      if (refusal !== undefined) {
        throw new ValidationError(refusal, { reason: 'ActivationRefused' });
      }
      const node: ManagedNode = {
        instanceId: newManagedInstanceId(),
        activationId: activation.activationId,
        name: registration.name ?? activation.defaultInstanceName,
        iamRole: activation.iamRole,
        publicKey: registration.publicKey,
        registeredAt: now,
        facts: registration.facts,
      };
      const tags = new Map(activation.tags.map((tag) => [tag.Key, tag.Value]));
      for (const tag of registration.tags) {
        tags.set(tag.Key, tag.Value);
      }
      await store.registerManagedNode(node, tags);
      return node;
    });
  }
}
