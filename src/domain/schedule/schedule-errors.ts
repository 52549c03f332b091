import { ValidationError } from '../errors.js';

/**
 * The error for a malformed or unusable `Schedule`: always on field `schedule`, with a message
 * that quotes the expression and names the part that is wrong.
 */
export function invalidScheduleExpression(text: string, detail: string): ValidationError {
  return ValidationError.field('schedule', `Invalid schedule expression ${text}: ${detail}`, text);
}
