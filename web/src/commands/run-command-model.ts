/**
 * The Run command form as data: targets (instance ids, or tags), rate control as a number of
 * targets or a percentage, timeout and comment; its checks at each field (the server's own wire
 * rules) and the SendCommand request it makes.
 */
import * as S from '../../../src/api/wire/shapes.js';
import type { Target } from '../api/types.js';

export type TargetMode = 'instances' | 'tags';
export type RateMode = 'targets' | 'percentage';

export interface TagCondition {
  readonly key: string;
  /** Values separated by commas. */
  readonly values: string;
}

export interface RunCommandForm {
  readonly documentName: string | undefined;
  readonly targetMode: TargetMode;
  readonly instanceIds: readonly string[];
  readonly tags: readonly TagCondition[];
  readonly concurrencyMode: RateMode;
  readonly concurrency: string;
  readonly errorMode: RateMode;
  readonly errorThreshold: string;
  readonly timeoutSeconds: string;
  readonly comment: string;
}

export const INITIAL_FORM: RunCommandForm = {
  documentName: undefined,
  targetMode: 'instances',
  instanceIds: [],
  tags: [{ key: '', values: '' }],
  concurrencyMode: 'percentage',
  concurrency: '50',
  errorMode: 'targets',
  errorThreshold: '0',
  timeoutSeconds: '600',
  comment: '',
};

/** `10` targets → "10"; `10` percent → "10%". */
export function rateValue(mode: RateMode, amount: string): string {
  const trimmed = amount.trim();
  return mode === 'percentage' ? `${trimmed}%` : trimmed;
}

/** The tag conditions as SendCommand `Targets` (`tag:<key>`); rows without a key are left out. */
export function tagTargets(tags: readonly TagCondition[]): Target[] {
  return tags
    .filter((tag) => tag.key.trim() !== '')
    .map((tag) => ({
      Key: `tag:${tag.key.trim()}`,
      Values: tag.values
        .split(',')
        .map((value) => value.trim())
        .filter(Boolean),
    }));
}

export type FormErrors = Partial<
  Record<'document' | 'targets' | 'concurrency' | 'errors' | 'timeout' | 'comment', string>
>;

/** The message to show at each field that needs one (nothing when the form can be sent). */
export function checkRunCommandForm(form: RunCommandForm): FormErrors {
  const errors: FormErrors = {};
  if (form.documentName === undefined) {
    errors.document = 'Choose a document.';
  }
  if (form.targetMode === 'instances') {
    if (form.instanceIds.length === 0) {
      errors.targets = 'Choose at least one node.';
    } else if (form.instanceIds.length > 50) {
      errors.targets = 'At most 50 nodes; target more by tag.';
    }
  } else {
    const targets = tagTargets(form.tags);
    if (targets.length === 0) {
      errors.targets = 'Give at least one tag key.';
    } else if (targets.some((target) => target.Values.length === 0)) {
      errors.targets = 'Give each tag key at least one value.';
    } else if (targets.length > 5) {
      errors.targets = 'At most 5 tags.';
    }
  }
  if (!S.MaxConcurrency.safeParse(rateValue(form.concurrencyMode, form.concurrency)).success) {
    errors.concurrency =
      form.concurrencyMode === 'percentage' ? 'A percentage from 1 to 100.' : 'A whole number of targets, 1 or more.';
  }
  if (!S.MaxErrors.safeParse(rateValue(form.errorMode, form.errorThreshold)).success) {
    errors.errors =
      form.errorMode === 'percentage' ? 'A percentage from 0 to 100.' : 'A whole number of errors, 0 or more.';
  }
  if (form.timeoutSeconds.trim() === '' || !S.TimeoutSeconds.safeParse(Number(form.timeoutSeconds)).success) {
    errors.timeout = 'From 30 to 2592000 seconds.';
  }
  if (!S.Comment.safeParse(form.comment).success) {
    errors.comment = 'At most 100 characters.';
  }
  return errors;
}

/** The SendCommand request for a checked form and the document's parameters. */
export function sendCommandRequest(
  form: RunCommandForm,
  parameters: Readonly<Record<string, readonly string[]>>,
): Record<string, unknown> {
  return {
    DocumentName: form.documentName,
    ...(form.targetMode === 'instances' ? { InstanceIds: [...form.instanceIds] } : { Targets: tagTargets(form.tags) }),
    Parameters: parameters,
    MaxConcurrency: rateValue(form.concurrencyMode, form.concurrency),
    MaxErrors: rateValue(form.errorMode, form.errorThreshold),
    TimeoutSeconds: Number(form.timeoutSeconds),
    ...(form.comment.trim() === '' ? {} : { Comment: form.comment.trim() }),
  };
}
