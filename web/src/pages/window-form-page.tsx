/**
 * Create and edit a maintenance window: every setting of the scenario, checked at its field with
 * the server's own rules (schedule/schedule-check.ts) as the user types, and the API's own
 * refusal shown (at the field it names, when it names one) if it still refuses.
 */
import Alert from '@cloudscape-design/components/alert';
import BreadcrumbGroup from '@cloudscape-design/components/breadcrumb-group';
import Button from '@cloudscape-design/components/button';
import Checkbox from '@cloudscape-design/components/checkbox';
import ColumnLayout from '@cloudscape-design/components/column-layout';
import Container from '@cloudscape-design/components/container';
import ContentLayout from '@cloudscape-design/components/content-layout';
import Form from '@cloudscape-design/components/form';
import FormField from '@cloudscape-design/components/form-field';
import Header from '@cloudscape-design/components/header';
import Input from '@cloudscape-design/components/input';
import Select from '@cloudscape-design/components/select';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Spinner from '@cloudscape-design/components/spinner';
import Textarea from '@cloudscape-design/components/textarea';
import { useMemo, useState } from 'react';
import type { WindowSettings } from '../../../src/domain/maintenance-window.js';
import { IANA_TIME_ZONE_NAMES } from '../../../src/domain/schedule/iana-time-zone-names.js';
import { useApi, useApiQuery } from '../api/api-context.js';
import { ApiError, errorMessage } from '../api/ssm-client.js';
import type { WindowDetails } from '../api/types.js';
import { useNotify } from '../components/notifications.js';
import { ScheduleBuilderField, type ScheduleMode } from '../components/schedule-builder-field.js';
import { followHash, hrefOf, navigate } from '../router.js';
import { readScheduleBuilder } from '../schedule/schedule-builder.js';
import { checkWindowSettings, type FieldErrors, type WindowFormField } from '../schedule/schedule-check.js';

interface FormValues {
  name: string;
  description: string;
  allowUnassociatedTargets: boolean;
  scheduleMode: ScheduleMode;
  schedule: string;
  scheduleTimezone: string;
  scheduleOffset: string;
  startDate: string;
  endDate: string;
  duration: string;
  cutoff: string;
}

const NEW_WINDOW: FormValues = {
  name: '',
  description: '',
  allowUnassociatedTargets: false,
  scheduleMode: 'builder',
  schedule: 'cron(0 2 ? * SUN *)',
  scheduleTimezone: '',
  scheduleOffset: '',
  startDate: '',
  endDate: '',
  duration: '3',
  cutoff: '1',
};

function formValuesOf(window: WindowDetails): FormValues {
  return {
    name: window.Name,
    description: window.Description ?? '',
    allowUnassociatedTargets: window.AllowUnassociatedTargets,
    scheduleMode: readScheduleBuilder(window.Schedule) === undefined ? 'expression' : 'builder',
    schedule: window.Schedule,
    scheduleTimezone: window.ScheduleTimezone ?? '',
    scheduleOffset: window.ScheduleOffset === undefined ? '' : String(window.ScheduleOffset),
    startDate: window.StartDate ?? '',
    endDate: window.EndDate ?? '',
    duration: String(window.Duration),
    cutoff: String(window.Cutoff),
  };
}

const optional = (text: string) => (text.trim() === '' ? undefined : text.trim());
/** Numbers as the API sees them: an empty or non-integer field is left for the shape check. */
const numberOf = (text: string) => (text.trim() === '' ? Number.NaN : Number(text));

function settingsOf(values: FormValues, enabled: boolean): WindowSettings {
  const offset = optional(values.scheduleOffset);
  return {
    name: values.name.trim(),
    description: optional(values.description),
    allowUnassociatedTargets: values.allowUnassociatedTargets,
    schedule: values.schedule.trim(),
    scheduleTimezone: optional(values.scheduleTimezone),
    scheduleOffset: offset === undefined ? undefined : Number(offset),
    startDate: optional(values.startDate),
    endDate: optional(values.endDate),
    duration: numberOf(values.duration),
    cutoff: numberOf(values.cutoff),
    enabled,
  };
}

/** The wire members for Create and Update (Replace) from checked settings. */
function requestOf(settings: WindowSettings) {
  return {
    Name: settings.name,
    Description: settings.description,
    AllowUnassociatedTargets: settings.allowUnassociatedTargets,
    Schedule: settings.schedule,
    ScheduleTimezone: settings.scheduleTimezone,
    ScheduleOffset: settings.scheduleOffset,
    StartDate: settings.startDate,
    EndDate: settings.endDate,
    Duration: settings.duration,
    Cutoff: settings.cutoff,
  };
}

const FIELD_PATTERNS: [RegExp, WindowFormField][] = [
  [/schedule ?offset/i, 'scheduleOffset'],
  [/schedule ?timezone|time zone/i, 'scheduleTimezone'],
  [/schedule/i, 'schedule'],
  [/cutoff/i, 'cutoff'],
  [/duration/i, 'duration'],
  [/start ?date/i, 'startDate'],
  [/end ?date/i, 'endDate'],
  [/\bname\b/i, 'name'],
  [/description/i, 'description'],
];

/** The field an API ValidationException is about, when its message names one. */
function fieldOfApiError(error: unknown): WindowFormField | undefined {
  if (!(error instanceof ApiError) || error.type !== 'ValidationException') {
    return undefined;
  }
  return FIELD_PATTERNS.find(([pattern]) => pattern.test(error.message))?.[1];
}

const TIME_ZONE_OPTIONS = [
  { value: '', label: 'UTC (default)' },
  ...IANA_TIME_ZONE_NAMES.map((name) => ({ value: name, label: name })),
];

function WindowForm(props: { existing?: WindowDetails }) {
  const client = useApi();
  const notify = useNotify();
  const { existing } = props;
  const [values, setValues] = useState<FormValues>(() =>
    existing === undefined ? NEW_WINDOW : formValuesOf(existing),
  );
  const [touched, setTouched] = useState<ReadonlySet<WindowFormField>>(new Set());
  const [isSubmitted, setSubmitted] = useState(false);
  const [apiError, setApiError] = useState<{ message: string; field?: WindowFormField } | undefined>(undefined);
  const [isBusy, setBusy] = useState(false);

  const settings = settingsOf(values, existing?.Enabled ?? true);
  const errors: FieldErrors = useMemo(() => checkWindowSettings(settings, new Date()), [JSON.stringify(settings)]);
  const errorAt = (field: WindowFormField): string | undefined => {
    if (apiError?.field === field) {
      return apiError.message;
    }
    return isSubmitted || touched.has(field) ? errors[field] : undefined;
  };
  const set = <K extends keyof FormValues>(key: K, value: FormValues[K], field?: WindowFormField) => {
    setValues((current) => ({ ...current, [key]: value }));
    setApiError(undefined);
    if (field !== undefined) {
      setTouched((current) => new Set(current).add(field));
    }
  };

  const submit = async () => {
    setSubmitted(true);
    if (Object.keys(errors).length > 0) {
      return;
    }
    setBusy(true);
    setApiError(undefined);
    try {
      if (existing === undefined) {
        const created = await client.call<{ WindowId: string }>('CreateMaintenanceWindow', {
          ...requestOf(settings),
          ClientToken: crypto.randomUUID(),
        });
        notify.success(`Created maintenance window ${settings.name} (${created.WindowId}).`);
        navigate({ page: 'window', windowId: created.WindowId, tab: 'details' });
      } else {
        await client.call('UpdateMaintenanceWindow', {
          ...requestOf(settings),
          WindowId: existing.WindowId,
          Replace: true,
        });
        notify.success(`Saved maintenance window ${settings.name}.`);
        navigate({ page: 'window', windowId: existing.WindowId, tab: 'details' });
      }
    } catch (error) {
      setApiError({ message: errorMessage(error), field: fieldOfApiError(error) });
    } finally {
      setBusy(false);
    }
  };

  const cancelHref =
    existing === undefined
      ? hrefOf({ page: 'windows' })
      : hrefOf({ page: 'window', windowId: existing.WindowId, tab: 'details' });
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
      aria-label={existing === undefined ? 'Create maintenance window' : 'Edit maintenance window'}
    >
      <Form
        actions={
          <SpaceBetween direction="horizontal" size="xs">
            <Button variant="link" href={cancelHref} onFollow={followHash} formAction="none">
              Cancel
            </Button>
            <Button variant="primary" formAction="submit" loading={isBusy}>
              {existing === undefined ? 'Create maintenance window' : 'Save changes'}
            </Button>
          </SpaceBetween>
        }
        errorText={
          apiError !== undefined
            ? apiError.message
            : isSubmitted && Object.keys(errors).length > 0
              ? 'Some fields need attention.'
              : undefined
        }
        errorIconAriaLabel="Error"
      >
        <SpaceBetween size="l">
          <Container header={<Header variant="h2">Details</Header>}>
            <SpaceBetween size="l">
              <FormField
                label="Name"
                controlId="window-name"
                constraintText="3 to 128 characters: letters, digits, _ - ."
                errorText={errorAt('name')}
              >
                <Input
                  controlId="window-name"
                  value={values.name}
                  onChange={({ detail }) => set('name', detail.value, 'name')}
                  spellcheck={false}
                />
              </FormField>
              <FormField
                label={
                  <>
                    Description <i>- optional</i>
                  </>
                }
                controlId="window-description"
                errorText={errorAt('description')}
              >
                <Textarea
                  controlId="window-description"
                  value={values.description}
                  rows={2}
                  onChange={({ detail }) => set('description', detail.value, 'description')}
                />
              </FormField>
              <FormField
                label="Unregistered targets"
                description="Allow tasks to name instances directly, without registering them as targets of the window."
              >
                <Checkbox
                  checked={values.allowUnassociatedTargets}
                  onChange={({ detail }) => set('allowUnassociatedTargets', detail.checked)}
                >
                  Allow unregistered targets
                </Checkbox>
              </FormField>
            </SpaceBetween>
          </Container>
          <Container header={<Header variant="h2">Schedule</Header>}>
            <SpaceBetween size="l">
              <ScheduleBuilderField
                mode={values.scheduleMode}
                expression={values.schedule}
                error={errorAt('schedule')}
                onChange={({ mode, expression }) => {
                  setValues((current) => ({ ...current, scheduleMode: mode, schedule: expression }));
                  setApiError(undefined);
                  setTouched((current) => new Set(current).add('schedule'));
                }}
              />
              <ColumnLayout columns={2}>
                <FormField
                  label="Time zone"
                  controlId="window-timezone"
                  description="The schedule's times are read in this zone (IANA name)."
                  errorText={errorAt('scheduleTimezone')}
                >
                  <Select
                    controlId="window-timezone"
                    filteringType="auto"
                    virtualScroll
                    selectedOption={
                      TIME_ZONE_OPTIONS.find((option) => option.value === values.scheduleTimezone) ?? {
                        value: values.scheduleTimezone,
                        label: values.scheduleTimezone,
                      }
                    }
                    options={TIME_ZONE_OPTIONS}
                    onChange={({ detail }) =>
                      set('scheduleTimezone', detail.selectedOption.value ?? '', 'scheduleTimezone')
                    }
                  />
                </FormField>
                <FormField
                  label={
                    <>
                      Schedule offset (days) <i>- optional</i>
                    </>
                  }
                  controlId="window-offset"
                  description="Cron only: run this many days after each cron date (1-6)."
                  errorText={errorAt('scheduleOffset')}
                >
                  <Input
                    controlId="window-offset"
                    type="number"
                    inputMode="numeric"
                    value={values.scheduleOffset}
                    onChange={({ detail }) => set('scheduleOffset', detail.value, 'scheduleOffset')}
                  />
                </FormField>
                <FormField
                  label={
                    <>
                      Start date <i>- optional</i>
                    </>
                  }
                  controlId="window-start-date"
                  description="ISO 8601, e.g. 2026-04-01T00:00:00Z. The window is inactive before it."
                  errorText={errorAt('startDate')}
                >
                  <Input
                    controlId="window-start-date"
                    value={values.startDate}
                    placeholder="2026-04-01T00:00:00Z"
                    onChange={({ detail }) => set('startDate', detail.value, 'startDate')}
                  />
                </FormField>
                <FormField
                  label={
                    <>
                      End date <i>- optional</i>
                    </>
                  }
                  controlId="window-end-date"
                  description="ISO 8601. The window is inactive from it on."
                  errorText={errorAt('endDate')}
                >
                  <Input
                    controlId="window-end-date"
                    value={values.endDate}
                    placeholder="2026-12-31T00:00:00Z"
                    onChange={({ detail }) => set('endDate', detail.value, 'endDate')}
                  />
                </FormField>
              </ColumnLayout>
              <ColumnLayout columns={2}>
                <FormField
                  label="Duration (hours)"
                  controlId="window-duration"
                  description="How long the window stays open: 1-24 hours."
                  errorText={errorAt('duration')}
                >
                  <Input
                    controlId="window-duration"
                    type="number"
                    inputMode="numeric"
                    value={values.duration}
                    onChange={({ detail }) => set('duration', detail.value, 'duration')}
                  />
                </FormField>
                <FormField
                  label="Stop initiating tasks (hours)"
                  controlId="window-cutoff"
                  description="Cutoff: no new task starts this many hours before the window ends. Must be less than the duration."
                  errorText={errorAt('cutoff')}
                >
                  <Input
                    controlId="window-cutoff"
                    type="number"
                    inputMode="numeric"
                    value={values.cutoff}
                    onChange={({ detail }) => set('cutoff', detail.value, 'cutoff')}
                  />
                </FormField>
              </ColumnLayout>
            </SpaceBetween>
          </Container>
        </SpaceBetween>
      </Form>
    </form>
  );
}

export function CreateWindowPage() {
  return (
    <ContentLayout
      breadcrumbs={
        <BreadcrumbGroup
          onFollow={followHash}
          ariaLabel="Breadcrumbs"
          items={[
            { text: 'Maintenance windows', href: hrefOf({ page: 'windows' }) },
            { text: 'Create maintenance window', href: hrefOf({ page: 'create-window' }) },
          ]}
        />
      }
      header={
        <Header
          variant="h1"
          description="Say when: a schedule in a time zone, how long the window is open, and when tasks stop starting."
        >
          Create maintenance window
        </Header>
      }
    >
      <WindowForm />
    </ContentLayout>
  );
}

export function EditWindowPage({ windowId }: { windowId: string }) {
  const window = useApiQuery(
    (api) => api.call<WindowDetails>('GetMaintenanceWindow', { WindowId: windowId }),
    [windowId],
  );
  return (
    <ContentLayout
      breadcrumbs={
        <BreadcrumbGroup
          onFollow={followHash}
          ariaLabel="Breadcrumbs"
          items={[
            { text: 'Maintenance windows', href: hrefOf({ page: 'windows' }) },
            { text: window.data?.Name ?? windowId, href: hrefOf({ page: 'window', windowId, tab: 'details' }) },
            { text: 'Edit', href: hrefOf({ page: 'edit-window', windowId }) },
          ]}
        />
      }
      header={<Header variant="h1">Edit {window.data?.Name ?? windowId}</Header>}
    >
      {window.error !== undefined ? (
        <Alert type="error">{errorMessage(window.error)}</Alert>
      ) : window.data === undefined ? (
        <Spinner size="large" />
      ) : (
        <WindowForm existing={window.data} />
      )}
    </ContentLayout>
  );
}
