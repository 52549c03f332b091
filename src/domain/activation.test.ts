import { describe, expect, it } from 'vitest';
import {
  activationExpiry,
  activationRefusal,
  isActivationExpired,
  MAX_ACTIVATION_LIFETIME_MS,
  type Activation,
} from './activation.js';
import { ValidationError } from './errors.js';

const NOW = Date.parse('2024-01-15T12:00:00Z');

const ACTIVATION: Activation = {
  activationId: '0f5c3e4a-1b2c-4d5e-8f90-a1b2c3d4e5f6',
  activationCodeHash: '00',
  iamRole: 'SSMServiceRole',
  registrationLimit: 2,
  registrationsCount: 0,
  expiresAt: NOW + 1000,
  createdAt: NOW - 1000,
  deleted: false,
  tags: [],
};

describe('isActivationExpired', () => {
  it('is false before the expiry instant', () => {
    expect(isActivationExpired(ACTIVATION, NOW)).toBe(false);
  });

  it('is true at the expiry instant and after', () => {
    expect(isActivationExpired(ACTIVATION, NOW + 1000)).toBe(true);
    expect(isActivationExpired(ACTIVATION, NOW + 5000)).toBe(true);
  });
});

describe('activationExpiry', () => {
  it('defaults to 24 hours ahead', () => {
    expect(activationExpiry(undefined, NOW)).toBe(NOW + 24 * 60 * 60 * 1000);
  });

  it('accepts exactly 30 days ahead', () => {
    expect(activationExpiry(NOW + MAX_ACTIVATION_LIFETIME_MS, NOW)).toBe(NOW + MAX_ACTIVATION_LIFETIME_MS);
  });

  it.each([
    ['now', NOW],
    ['in the past', NOW - 1],
    ['more than 30 days ahead', NOW + MAX_ACTIVATION_LIFETIME_MS + 1],
  ])('refuses an expiry %s with InvalidParameters', (_name, requested) => {
    expect(() => activationExpiry(requested, NOW)).toThrow(ValidationError);
    try {
      activationExpiry(requested, NOW);
    } catch (error) {
      expect((error as ValidationError).reason).toBe('ActivationExpiry');
    }
  });
});

describe('activationRefusal', () => {
  it('accepts a live activation with room left', () => {
    expect(activationRefusal(ACTIVATION, NOW)).toBeUndefined();
  });

  it.each([
    ['deleted', { deleted: true }, /deleted/],
    ['expired', { expiresAt: NOW }, /expired/],
    ['used up', { registrationsCount: 2 }, /registration limit/],
  ] as const)('refuses an activation that is %s', (_name, change, reason) => {
    expect(activationRefusal({ ...ACTIVATION, ...change }, NOW)).toMatch(reason);
  });
});
