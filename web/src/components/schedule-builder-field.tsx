/**
 * The schedule part of the window form: a simple builder (daily, weekly, monthly, rate) or the
 * expression typed as cron/rate/at. The builder renders through `renderSchedule`; switching to
 * the builder reads the expression back with `readScheduleBuilder` when it can.
 */
import FormField from '@cloudscape-design/components/form-field';
import Input from '@cloudscape-design/components/input';
import Multiselect from '@cloudscape-design/components/multiselect';
import Select from '@cloudscape-design/components/select';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Tiles from '@cloudscape-design/components/tiles';
import {
  DEFAULT_BUILDER_VALUES,
  dayName,
  describeSchedule,
  readScheduleBuilder,
  renderSchedule,
  WEEKDAYS,
  type RateUnit,
  type ScheduleBuilderKind,
  type ScheduleBuilderValue,
  type Weekday,
} from '../schedule/schedule-builder.js';

export type ScheduleMode = 'builder' | 'expression';

const KIND_OPTIONS: { value: ScheduleBuilderKind; label: string }[] = [
  { value: 'daily', label: 'Every day' },
  { value: 'weekly', label: 'Every week, on chosen days' },
  { value: 'monthly', label: 'Every month, on a chosen day' },
  { value: 'rate', label: 'At a fixed rate' },
];
const HOURS = Array.from({ length: 24 }, (_, hour) => ({ value: String(hour), label: String(hour).padStart(2, '0') }));
const MINUTES = Array.from({ length: 12 }, (_, index) => ({
  value: String(index * 5),
  label: String(index * 5).padStart(2, '0'),
}));
const DAYS_OF_MONTH = [
  ...Array.from({ length: 28 }, (_, index) => ({ value: String(index + 1), label: String(index + 1) })),
  { value: 'L', label: 'Last day of the month' },
];
const RATE_UNITS: { value: RateUnit; label: string }[] = [
  { value: 'minute', label: 'Minutes' },
  { value: 'hour', label: 'Hours' },
  { value: 'day', label: 'Days' },
];

function optionOf<T extends { value: string }>(options: readonly T[], value: string): T | null {
  return options.find((option) => option.value === value) ?? null;
}

/** Minutes not on the 5-minute grid still show (the expression field can set any). */
function minuteOption(minute: number) {
  return optionOf(MINUTES, String(minute)) ?? { value: String(minute), label: String(minute).padStart(2, '0') };
}

export function ScheduleBuilderField(props: {
  mode: ScheduleMode;
  expression: string;
  error: string | undefined;
  onChange: (change: { mode: ScheduleMode; expression: string }) => void;
}) {
  const { mode, expression, onChange } = props;
  const builder = readScheduleBuilder(expression) ?? DEFAULT_BUILDER_VALUES.weekly;
  const setBuilder = (value: ScheduleBuilderValue) => onChange({ mode: 'builder', expression: renderSchedule(value) });
  const setTime = (hour: number, minute: number) => {
    if (builder.kind !== 'rate') {
      setBuilder({ ...builder, hour, minute });
    }
  };

  return (
    <SpaceBetween size="m">
      <FormField label="Schedule" description="How the window's start times are given.">
        <Tiles
          ariaLabel="Schedule input"
          value={mode}
          onChange={({ detail }) => {
            const next = detail.value as ScheduleMode;
            onChange({
              mode: next,
              // The builder shows what it can read; anything else starts from its default.
              expression:
                next === 'builder' && readScheduleBuilder(expression) === undefined
                  ? renderSchedule(builder)
                  : expression,
            });
          }}
          items={[
            { value: 'builder', label: 'Schedule builder', description: 'Daily, weekly, monthly or a rate.' },
            {
              value: 'expression',
              label: 'Cron or rate expression',
              description: 'AWS cron, rate(…) or at(…), e.g. cron(0 2 ? * SUN *).',
            },
          ]}
        />
      </FormField>
      {mode === 'builder' ? (
        <SpaceBetween size="m">
          <FormField label="Repeat" controlId="schedule-kind">
            <Select
              controlId="schedule-kind"
              selectedOption={optionOf(KIND_OPTIONS, builder.kind)}
              options={KIND_OPTIONS}
              onChange={({ detail }) =>
                setBuilder(DEFAULT_BUILDER_VALUES[detail.selectedOption.value as ScheduleBuilderKind])
              }
            />
          </FormField>
          {builder.kind === 'weekly' && (
            <FormField label="Days of the week" controlId="schedule-days">
              <Multiselect
                controlId="schedule-days"
                selectedOptions={builder.days.map((day) => ({ value: day, label: dayName(day) }))}
                options={WEEKDAYS.map((day) => ({ value: day, label: dayName(day) }))}
                placeholder="Choose days"
                onChange={({ detail }) => {
                  const days = detail.selectedOptions.map((option) => option.value as Weekday);
                  if (days.length > 0) {
                    setBuilder({ ...builder, days });
                  }
                }}
              />
            </FormField>
          )}
          {builder.kind === 'monthly' && (
            <FormField label="Day of the month" controlId="schedule-day-of-month">
              <Select
                controlId="schedule-day-of-month"
                selectedOption={optionOf(DAYS_OF_MONTH, String(builder.dayOfMonth))}
                options={DAYS_OF_MONTH}
                onChange={({ detail }) => {
                  const value = detail.selectedOption.value!;
                  setBuilder({ ...builder, dayOfMonth: value === 'L' ? 'L' : Number(value) });
                }}
              />
            </FormField>
          )}
          {builder.kind !== 'rate' && (
            <SpaceBetween direction="horizontal" size="s">
              <FormField label="Hour" controlId="schedule-hour">
                <Select
                  controlId="schedule-hour"
                  selectedOption={optionOf(HOURS, String(builder.hour))}
                  options={HOURS}
                  onChange={({ detail }) => setTime(Number(detail.selectedOption.value), builder.minute)}
                />
              </FormField>
              <FormField label="Minute" controlId="schedule-minute">
                <Select
                  controlId="schedule-minute"
                  selectedOption={minuteOption(builder.minute)}
                  options={MINUTES}
                  onChange={({ detail }) => setTime(builder.hour, Number(detail.selectedOption.value))}
                />
              </FormField>
            </SpaceBetween>
          )}
          {builder.kind === 'rate' && (
            <SpaceBetween direction="horizontal" size="s">
              <FormField label="Every" controlId="schedule-rate-value">
                <Input
                  controlId="schedule-rate-value"
                  type="number"
                  inputMode="numeric"
                  value={String(builder.value)}
                  onChange={({ detail }) => {
                    const value = Number(detail.value);
                    if (Number.isInteger(value) && value >= 1) {
                      setBuilder({ ...builder, value });
                    }
                  }}
                />
              </FormField>
              <FormField label="Unit" controlId="schedule-rate-unit">
                <Select
                  controlId="schedule-rate-unit"
                  selectedOption={optionOf(RATE_UNITS, builder.unit)}
                  options={RATE_UNITS}
                  onChange={({ detail }) => setBuilder({ ...builder, unit: detail.selectedOption.value as RateUnit })}
                />
              </FormField>
            </SpaceBetween>
          )}
          <FormField label="Resulting expression" errorText={props.error}>
            <span data-testid="schedule-preview">
              <code>{expression}</code> {describeSchedule(expression) ?? ''}
            </span>
          </FormField>
        </SpaceBetween>
      ) : (
        <FormField
          label="Cron or rate expression"
          controlId="schedule-expression"
          description="Times are read in the window's time zone. Fire times must be at least 5 minutes apart."
          constraintText="Examples: cron(0 2 ? * SUN *), cron(30 23 L * ? *), rate(12 hours), at(2026-05-01T02:00:00)."
          errorText={props.error}
        >
          <Input
            controlId="schedule-expression"
            value={expression}
            onChange={({ detail }) => onChange({ mode: 'expression', expression: detail.value })}
            spellcheck={false}
          />
        </FormField>
      )}
    </SpaceBetween>
  );
}
