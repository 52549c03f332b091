/** A node's agent version, marked as the latest or as having a newer release available. */
import Box from '@cloudscape-design/components/box';
import StatusIndicator from '@cloudscape-design/components/status-indicator';
import type { NodeInformation } from '../api/fleet-types.js';

export function AgentVersion({ info }: { info: NodeInformation }) {
  if (info.AgentVersion === undefined) {
    return <>-</>;
  }
  return (
    <>
      <Box variant="span">{info.AgentVersion}</Box>{' '}
      {info.IsLatestVersion === true ? (
        <StatusIndicator type="success">Latest</StatusIndicator>
      ) : info.IsLatestVersion === false ? (
        <StatusIndicator type="warning">Update available</StatusIndicator>
      ) : null}
    </>
  );
}
