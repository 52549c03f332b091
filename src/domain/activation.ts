/**
 * Hybrid activations (spec §9.4-§9.6): an id and a secret code that a node exchanges, once, for
 * its node id. Limits: RegistrationLimit registrations, until ExpirationDate, until deleted.
 */
import { ValidationError } from './errors.js';
import type { Tag } from './tags.js';

export interface Activation {
  readonly activationId: string;
  /** SHA-256 of the activation code; the code itself is shown once and never stored. */
  readonly activationCodeHash: string;
  readonly description?: string;
  readonly defaultInstanceName?: string;
  readonly iamRole: string;
  readonly registrationLimit: number;
  readonly registrationsCount: number;
  readonly expiresAt: number;
  readonly createdAt: number;
  readonly deleted: boolean;
  /** Copied onto every node registered with the activation. */
  readonly tags: readonly Tag[];
}

export const DEFAULT_ACTIVATION_LIFETIME_MS = 24 * 60 * 60 * 1000;
export const MAX_ACTIVATION_LIFETIME_MS = 30 * 24 * 60 * 60 * 1000;

/**
 * The expiry of a new activation: default now + 24 h; must be in the future and at most 30 days
 * ahead.
 * @throws ValidationError (reason ActivationExpiry) naming `expirationDate`.
 */
export function activationExpiry(requested: number | undefined, now: number): number {
  if (requested === undefined) {
    return now + DEFAULT_ACTIVATION_LIFETIME_MS;
  }
  if (requested <= now) {
    throw new ValidationError('ExpirationDate must be in the future.', {
      reason: 'ActivationExpiry',
      violations: [
        {
          field: 'expirationDate',
          // As the caller sent it: epoch seconds.
          value: requested / 1000,
          message: 'ExpirationDate must be in the future.',
        },
      ],
    });
  }
  if (requested - now > MAX_ACTIVATION_LIFETIME_MS) {
    throw new ValidationError('ExpirationDate can be at most 30 days ahead.', {
      reason: 'ActivationExpiry',
      violations: [
        {
          field: 'expirationDate',
          // As the caller sent it: epoch seconds.
          value: requested / 1000,
          message: 'ExpirationDate can be at most 30 days ahead.',
        },
      ],
    });
  }
  return requested;
}

/** SSM's `Activation.Expired`: true from the expiry instant on. */
export function isActivationExpired(activation: Pick<Activation, 'expiresAt'>, now: number): boolean {
  return now >= activation.expiresAt;
}

/** Why an activation refuses a registration, or undefined when it accepts one. */
export function activationRefusal(activation: Activation, now: number): string | undefined {
  if (activation.deleted) {
    return `Activation ${activation.activationId} has been deleted.`;
  }
  if (isActivationExpired(activation, now)) {
    return `Activation ${activation.activationId} expired at ${new Date(activation.expiresAt).toISOString()}.`;
  }
  if (activation.registrationsCount >= activation.registrationLimit) {
    return `Activation ${activation.activationId} has reached its registration limit (${activation.registrationLimit}).`;
  }
  return undefined;
}
