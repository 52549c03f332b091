/**
 * A JSON request body (or a binary upload's `x-mado-parameters`) as a JSON object, with SSM's
 * errors for what is not one: too deep (ValidationException), not JSON or not an object
 * (SerializationException).
 */
import { WireError } from '../errors.js';
import { exceedsJsonDepth, MAX_JSON_DEPTH } from './json-depth.js';

/**
 * The bytes as a JSON object; empty bytes are `{}` (botocore always sends at least that).
 * @param what how messages name the bytes ("The request body", "x-mado-parameters").
 */
export function parseJsonObject(bytes: Buffer, what = 'The request body'): unknown {
  if (bytes.length === 0) {
    return {};
  }
  if (exceedsJsonDepth(bytes)) {
    throw new WireError('ValidationException', `${what} is nested deeper than ${MAX_JSON_DEPTH} levels.`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new WireError('SerializationException', `${what} is not valid JSON.`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new WireError('SerializationException', `${what} must be a JSON object.`);
  }
  return parsed;
}
