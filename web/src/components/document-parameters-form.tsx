/** A document's parameters rendered as form fields from their definitions. */
import FormField from '@cloudscape-design/components/form-field';
import Input from '@cloudscape-design/components/input';
import Select from '@cloudscape-design/components/select';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Textarea from '@cloudscape-design/components/textarea';
import type { DocumentParameterDefinition } from '../api/types.js';
import { isListParameter, type ParameterDefinitions, type ParameterValues } from '../documents/parameter-form-model.js';

function ParameterField(props: {
  name: string;
  definition: DocumentParameterDefinition;
  value: string;
  error: string | undefined;
  onChange: (value: string) => void;
}) {
  const { name, definition, value } = props;
  const controlId = `parameter-${name}`;
  const isOptional = definition.default !== undefined;
  const label = (
    <>
      {name} {isOptional && <i>- optional</i>}
    </>
  );
  let control;
  if (definition.allowedValues !== undefined && !isListParameter(definition)) {
    const options = [
      ...(isOptional ? [{ value: '', label: '(document default)' }] : []),
      ...definition.allowedValues.map((allowed) => ({ value: allowed, label: allowed })),
    ];
    control = (
      <Select
        controlId={controlId}
        selectedOption={options.find((option) => option.value === value) ?? null}
        options={options}
        placeholder="Choose a value"
        onChange={({ detail }) => props.onChange(detail.selectedOption.value ?? '')}
      />
    );
  } else if (isListParameter(definition) || definition.displayType === 'textarea') {
    control = (
      <Textarea
        controlId={controlId}
        rows={isListParameter(definition) ? 4 : 3}
        value={value}
        spellcheck={false}
        onChange={({ detail }) => props.onChange(detail.value)}
      />
    );
  } else {
    control = (
      <Input
        controlId={controlId}
        value={value}
        spellcheck={false}
        onChange={({ detail }) => props.onChange(detail.value)}
      />
    );
  }
  return (
    <FormField
      label={label}
      controlId={controlId}
      description={definition.description}
      constraintText={[
        `Type ${definition.type}${isListParameter(definition) ? ', one item per line' : ''}.`,
        definition.default !== undefined && definition.default !== ''
          ? `Default: ${JSON.stringify(definition.default)}.`
          : '',
      ]
        .filter(Boolean)
        .join(' ')}
      errorText={props.error}
      stretch
    >
      {control}
    </FormField>
  );
}

export function DocumentParametersForm(props: {
  definitions: ParameterDefinitions;
  values: ParameterValues;
  errors: Readonly<Record<string, string>>;
  onChange: (name: string, value: string) => void;
}) {
  const names = Object.keys(props.definitions);
  if (names.length === 0) {
    return <>This document has no parameters.</>;
  }
  return (
    <SpaceBetween size="l">
      {names.map((name) => (
        <ParameterField
          key={name}
          name={name}
          definition={props.definitions[name]!}
          value={props.values[name] ?? ''}
          error={props.errors[name]}
          onChange={(value) => props.onChange(name, value)}
        />
      ))}
    </SpaceBetween>
  );
}
