/**
 * A rate control value (a task's concurrency or error threshold) as a number or a percentage,
 * checked at the field with the server's own patterns (`MaxConcurrency`, `MaxErrors` of the wire
 * shapes): concurrency 1 or more, or 1%-100%; errors 0 or more, or 0%-100%.
 */
import FormField from '@cloudscape-design/components/form-field';
import Input from '@cloudscape-design/components/input';
import RadioGroup from '@cloudscape-design/components/radio-group';
import SpaceBetween from '@cloudscape-design/components/space-between';
import * as S from '../../../src/api/wire/shapes.js';

export type RateKind = 'concurrency' | 'errors';
export type RateUnit = 'number' | 'percentage';

export interface RateValue {
  readonly amount: string;
  readonly unit: RateUnit;
}

/** `"50%"` → 50 percent; `"2"` → the number 2. */
export function parseRate(text: string | undefined, fallback: string): RateValue {
  const value = text ?? fallback;
  return value.endsWith('%') ? { amount: value.slice(0, -1), unit: 'percentage' } : { amount: value, unit: 'number' };
}

/** The wire value: `"2"` or `"50%"`. */
export function rateText(value: RateValue): string {
  return value.unit === 'percentage' ? `${value.amount.trim()}%` : value.amount.trim();
}

/** The message for a value the server would refuse, or undefined. */
export function rateError(kind: RateKind, value: RateValue): string | undefined {
  const schema = kind === 'concurrency' ? S.MaxConcurrency : S.MaxErrors;
  if (schema.safeParse(rateText(value)).success) {
    return undefined;
  }
  const least = kind === 'concurrency' ? 1 : 0;
  return value.unit === 'percentage'
    ? `A whole percentage from ${least}% to 100%.`
    : `A whole number, ${least} or more (at most 7 digits).`;
}

export function RateControlField(props: {
  kind: RateKind;
  label: string;
  description: string;
  controlId: string;
  value: RateValue;
  /** Show the error even when the field was not touched (after a submit). */
  isSubmitted: boolean;
  onChange: (value: RateValue) => void;
}) {
  const { kind, value } = props;
  const error = rateError(kind, value);
  const showError = props.isSubmitted || value.amount !== '';
  // The unit's radio group sits outside the FormField, which would otherwise label it with the
  // field's own label (two controls named "Concurrency").
  return (
    <SpaceBetween size="xs">
      <FormField
        label={props.label}
        controlId={props.controlId}
        description={props.description}
        errorText={showError ? error : undefined}
      >
        <Input
          controlId={props.controlId}
          inputMode="numeric"
          value={value.amount}
          invalid={showError && error !== undefined}
          onChange={({ detail }) => props.onChange({ ...value, amount: detail.value.replace(/%$/, '') })}
        />
      </FormField>
      <RadioGroup
        direction="horizontal"
        ariaLabel={kind === 'concurrency' ? 'Number or percentage of targets' : 'Number or percentage of errors'}
        value={value.unit}
        onChange={({ detail }) => props.onChange({ ...value, unit: detail.value as RateUnit })}
        items={[
          { value: 'number', label: kind === 'concurrency' ? 'Targets' : 'Errors' },
          { value: 'percentage', label: 'Percentage' },
        ]}
      />
    </SpaceBetween>
  );
}
