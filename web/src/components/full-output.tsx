/**
 * A step's whole output (Mado.GetCommandInvocationOutput, not only GetCommandInvocation's first
 * 24,000 characters): long output is shown cut at a line with "Show all", and each stream can be
 * downloaded whole. While the step runs, it says so; the caller refreshes the step's status and
 * the output is loaded as soon as the step ends (agents send output when a step ends, so there is
 * no line-by-line streaming).
 */
import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Spinner from '@cloudscape-design/components/spinner';
import StatusIndicator from '@cloudscape-design/components/status-indicator';
import { useState } from 'react';
import { useApiQuery } from '../api/api-context.js';
import { errorMessage } from '../api/ssm-client.js';
import type { InvocationOutputWire } from '../commands/command-types.js';
import { outputFileName, outputPreview, PREVIEW_CHARS } from '../commands/output-view.js';

function download(fileName: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/plain;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1_000);
}

function Stream(props: {
  title: string;
  label: string;
  /** Names the stream in the buttons' labels, without repeating `label` (getByLabel matches substrings). */
  buttonSubject: string;
  text: string;
  isCapped: boolean;
  capBytes: number;
  fileName: string;
}) {
  const [isShowingAll, setShowingAll] = useState(false);
  const preview = outputPreview(props.text, isShowingAll);
  return (
    <SpaceBetween size="xs">
      <SpaceBetween direction="horizontal" size="xs" alignItems="center">
        <Box variant="awsui-key-label">{props.title}</Box>
        <Box variant="small" color="text-body-secondary">
          {props.text.length.toLocaleString()} characters
        </Box>
        <Button
          variant="inline-link"
          iconName="download"
          ariaLabel={`Download the ${props.buttonSubject}`}
          onClick={() => download(props.fileName, props.text)}
        >
          Download
        </Button>
      </SpaceBetween>
      <pre className="mado-output" aria-label={props.label}>
        {preview.text}
      </pre>
      {preview.hiddenChars > 0 && (
        <Button ariaLabel={`Show all of the ${props.buttonSubject}`} onClick={() => setShowingAll(true)}>
          Show all ({preview.hiddenLines.toLocaleString()} more lines, {preview.hiddenChars.toLocaleString()} more
          characters)
        </Button>
      )}
      {isShowingAll && props.text.length > PREVIEW_CHARS && (
        <Button variant="inline-link" onClick={() => setShowingAll(false)}>
          Show less
        </Button>
      )}
      {props.isCapped && (
        <Alert type="warning">
          The end of this output is missing: the agent or the server cut it (the server keeps{' '}
          {props.capBytes.toLocaleString()} bytes per stream, MADO_OUTPUT_CAP_BYTES).
        </Alert>
      )}
    </SpaceBetween>
  );
}

function FinishedOutput(props: { commandId: string; instanceId: string; pluginName?: string; subject: string }) {
  const { commandId, instanceId, pluginName } = props;
  const output = useApiQuery(
    (api) =>
      api.call<InvocationOutputWire>('Mado.GetCommandInvocationOutput', {
        CommandId: commandId,
        InstanceId: instanceId,
        ...(pluginName === undefined ? {} : { PluginName: pluginName }),
      }),
    [commandId, instanceId, pluginName],
  );
  if (output.error !== undefined) {
    return <Alert type="error">{errorMessage(output.error)}</Alert>;
  }
  const data = output.data;
  if (data === undefined) {
    return <Spinner />;
  }
  return (
    <SpaceBetween size="s">
      {data.StandardOutputContent === '' ? (
        <SpaceBetween size="xs">
          <Box variant="awsui-key-label">Output</Box>
          <pre className="mado-output" aria-label={`Output of ${props.subject}`}>
            (no output)
          </pre>
        </SpaceBetween>
      ) : (
        <Stream
          title="Output"
          label={`Output of ${props.subject}`}
          buttonSubject={`output from ${props.subject}`}
          text={data.StandardOutputContent}
          isCapped={data.StandardOutputCapped}
          capBytes={data.OutputCapBytes}
          fileName={outputFileName(commandId, instanceId, data.PluginName, 'stdout')}
        />
      )}
      {data.StandardErrorContent !== '' && (
        <Stream
          title="Error output"
          label={`Error output of ${props.subject}`}
          buttonSubject={`error output from ${props.subject}`}
          text={data.StandardErrorContent}
          isCapped={data.StandardErrorCapped}
          capBytes={data.OutputCapBytes}
          fileName={outputFileName(commandId, instanceId, data.PluginName, 'stderr')}
        />
      )}
    </SpaceBetween>
  );
}

/**
 * The output of one step on one node. `isFinished` comes from the caller's (refreshed) status:
 * the output is read once it is true.
 */
export function FullOutput(props: {
  commandId: string;
  instanceId: string;
  /** The step; needed when the document has several. */
  pluginName?: string;
  isFinished: boolean;
  /** What the output blocks are named after: `Output of <subject>` (default: the node id). */
  subject?: string;
}) {
  const subject = props.subject ?? props.instanceId;
  if (!props.isFinished) {
    return (
      <SpaceBetween size="xs">
        <Box variant="awsui-key-label">Output</Box>
        <div aria-label={`Output of ${subject}`} role="status">
          <StatusIndicator type="loading">Running: the output appears here when the step ends.</StatusIndicator>
        </div>
      </SpaceBetween>
    );
  }
  return (
    <FinishedOutput
      commandId={props.commandId}
      instanceId={props.instanceId}
      pluginName={props.pluginName}
      subject={subject}
    />
  );
}
