import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NotFoundError, type ResourceKind } from '../domain/errors.js';
import { ERROR_CATALOGUE, renderErrorCatalogue } from './error-catalogue.js';
import { NOT_FOUND_ERRORS, toWireError } from './errors.js';

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

  it('lists each error name once', () => {
    const names = ERROR_CATALOGUE.map((entry) => entry.type);
    expect(new Set(names).size).toBe(names.length);
  });
});
