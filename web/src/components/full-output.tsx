/**
 * A step's whole output (Mado.GetCommandInvocationOutput, not only GetCommandInvocation's first
 * 24,000 characters): long output is shown cut at a line with "Show all", and each stream can be
 * downloaded whole. While the step runs, the output so far is shown and read again every 2 s
 * (agents report a running step's output about once a second), under a "Running…" indicator;
 * when the caller's refreshed status says the step ended, the whole output is read once more.
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

/** How often the output of a running step is read again. */
const RUNNING_POLL_MS = 2_000;

/**
 * The output of one step on one node. `isFinished` comes from the caller's (refreshed) status:
 * while it is false, the output so far is read every 2 s (agents report it about once a second
 * while a step runs) under a "Running…" indicator; once it is true, the whole output is read
 * once more.
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
  const { commandId, instanceId, pluginName, isFinished } = props;
  const subject = props.subject ?? instanceId;
  const output = useApiQuery(
    (api) =>
      api.call<InvocationOutputWire>('Mado.GetCommandInvocationOutput', {
        CommandId: commandId,
        InstanceId: instanceId,
        ...(pluginName === undefined ? {} : { PluginName: pluginName }),
      }),
    [commandId, instanceId, pluginName, isFinished],
    (data) => (!isFinished && data.Complete !== true ? RUNNING_POLL_MS : undefined),
  );
  if (output.error !== undefined) {
    return <Alert type="error">{errorMessage(output.error)}</Alert>;
  }
  const data = output.data;
  // Just finished: the output shown so far is being replaced by the whole of it.
  const isStale = isFinished && output.isLoading && data?.Complete === false;
  if (data === undefined || isStale) {
    return <Spinner />;
  }
  const isRunning = !isFinished || data.Complete === false;
  return (
    <SpaceBetween size="s">
      {isRunning && (
        <div role="status" aria-label={`Progress of ${subject}`}>
          <StatusIndicator type="loading">
            Running… the output so far is shown and refreshed every 2 seconds.
          </StatusIndicator>
        </div>
      )}
      {data.StandardOutputContent === '' ? (
        <SpaceBetween size="xs">
          <Box variant="awsui-key-label">Output</Box>
          <pre className="mado-output" aria-label={`Output of ${subject}`}>
            {isRunning ? '(no output yet)' : '(no output)'}
          </pre>
        </SpaceBetween>
      ) : (
        <Stream
          title="Output"
          label={`Output of ${subject}`}
          buttonSubject={`output from ${subject}`}
          text={data.StandardOutputContent}
          isCapped={data.StandardOutputCapped}
          capBytes={data.OutputCapBytes}
          fileName={outputFileName(commandId, instanceId, data.PluginName, 'stdout')}
        />
      )}
      {data.StandardErrorContent !== '' && (
        <Stream
          title="Error output"
          label={`Error output of ${subject}`}
          buttonSubject={`error output from ${subject}`}
          text={data.StandardErrorContent}
          isCapped={data.StandardErrorCapped}
          capBytes={data.OutputCapBytes}
          fileName={outputFileName(commandId, instanceId, data.PluginName, 'stderr')}
        />
      )}
    </SpaceBetween>
  );
}
