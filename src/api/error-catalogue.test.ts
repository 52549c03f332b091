import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  ConflictError,
  LimitExceededError,
  NotFoundError,
  ValidationError,
  type ConflictReason,
  type LimitReason,
  type ResourceKind,
  type ValidationReason,
} from '../domain/errors.js';
import { ERROR_CATALOGUE, renderErrorCatalogue } from './error-catalogue.js';
import {
  CONFLICT_ERRORS,
  LIMIT_ERRORS,
  NOT_FOUND_ERRORS,
  toWireError,
  transportError,
  VALIDATION_ERRORS,
  type TransportFailure,
} from './errors.js';

describe('the error catalogue', () => {
  it('matches docs/errors.md', () => {
    expect(readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8')).toBe(renderErrorCatalogue());
  });

  it('lists every error a missing resource maps to, with its HTTP status', () => {
    for (const resource of Object.keys(NOT_FOUND_ERRORS) as ResourceKind[]) {
      const wire = toWireError(new NotFoundError(resource, 'x'));
      const entry = ERROR_CATALOGUE.find((candidate) => candidate.type === wire.type);
      expect(entry?.httpStatus).toBe(wire.httpStatus);
    }
  });

  it('lists every error a validation reason, a limit or a conflict maps to', () => {
    const errors = [
      ...(Object.keys(VALIDATION_ERRORS) as ValidationReason[]).map((reason) => new ValidationError('x', { reason })),
      ...(Object.keys(LIMIT_ERRORS) as LimitReason[]).map((reason) => new LimitExceededError('x', reason)),
      ...(Object.keys(CONFLICT_ERRORS) as ConflictReason[]).map((reason) => new ConflictError('x', reason)),
    ];
    for (const error of errors) {
      const wire = toWireError(error);
      expect(ERROR_CATALOGUE.find((candidate) => candidate.type === wire.type)?.httpStatus).toBe(wire.httpStatus);
    }
  });

  it('lists every error a failure of the HTTP layer maps to', () => {
    const names = new Set(ERROR_CATALOGUE.map((entry) => entry.type));
    const failures: TransportFailure[] = [
      'BodyTooLarge',
      'HeadersTooLarge',
      'RequestTimeout',
      'MalformedRequest',
      'ServerFault',
    ];
    for (const failure of failures) {
      expect(names).toContain(transportError(failure, 'x').type);
    }
  });

  it('lists the error names document content and quotas are refused with', () => {
    const names = new Set(ERROR_CATALOGUE.map((entry) => entry.type));
    for (const name of ['InvalidDocumentContent', 'InvalidDocumentSchemaVersion', 'MaxDocumentSizeExceeded']) {
      expect(names).toContain(name);
    }
  });

  it('lists each error name once', () => {
    const names = ERROR_CATALOGUE.map((entry) => entry.type);
    expect(new Set(names).size).toBe(names.length);
  });
});
