/**
 * The file of an upload operation (Mado.PublishPackage, Mado.PublishAgentRelease) in either wire
 * form: the raw request body, streamed by the HTTP layer to a file before the handler runs (the
 * binary form, `ctx.upload`), or the operation's member base64-encoded in the JSON body.
 */
import { ValidationError } from '../domain/errors.js';
import type { UploadContent } from '../services/uploaded-file.js';
import type { RequestContext } from './operation.js';
import { memberPath } from './wire/validate.js';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * The uploaded file: `ctx.upload` in the binary form, else `base64` decoded.
 * @throws ValidationError naming `member` when it is missing, not base64, or given in the binary
 *   form's parameters as well as the body.
 */
export function uploadContent(base64: string | undefined, ctx: RequestContext, member: string): UploadContent {
  const field = memberPath([member]);
  if (ctx.upload !== undefined) {
    if (base64 !== undefined) {
      throw ValidationError.field(
        field,
        `The request body is the ${member} in the binary form; leave ${member} out of x-mado-parameters.`,
      );
    }
    return ctx.upload;
  }
  if (base64 === undefined) {
    throw ValidationError.field(field, 'Member must not be null');
  }
  if (base64.length % 4 !== 0 || !BASE64.test(base64)) {
    throw ValidationError.field(field, 'Member must be base64-encoded (RFC 4648, with padding)');
  }
  return Buffer.from(base64, 'base64');
}
