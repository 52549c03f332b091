/** Delete confirmation: the user types the window's name, as in the AWS console. */
import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import FormField from '@cloudscape-design/components/form-field';
import Input from '@cloudscape-design/components/input';
import Modal from '@cloudscape-design/components/modal';
import SpaceBetween from '@cloudscape-design/components/space-between';
import { useState } from 'react';
import { useApi } from '../api/api-context.js';
import { errorMessage } from '../api/ssm-client.js';
import { useNotify } from './notifications.js';

export function DeleteWindowModal(props: {
  window: { WindowId: string; Name: string };
  visible: boolean;
  onDismiss: () => void;
  onDeleted: () => void;
}) {
  const client = useApi();
  const notify = useNotify();
  const [confirmation, setConfirmation] = useState('');
  const [error, setError] = useState<string | undefined>(undefined);
  const [isBusy, setBusy] = useState(false);
  const { window } = props;

  const remove = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await client.call('DeleteMaintenanceWindow', { WindowId: window.WindowId });
      notify.success(`Deleted ${window.Name} (${window.WindowId}).`);
      setConfirmation('');
      props.onDeleted();
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      visible={props.visible}
      onDismiss={props.onDismiss}
      header="Delete maintenance window"
      closeAriaLabel="Close"
      footer={
        <Box float="right">
          <SpaceBetween direction="horizontal" size="xs">
            <Button variant="link" onClick={props.onDismiss}>
              Cancel
            </Button>
            <Button
              variant="primary"
              loading={isBusy}
              disabled={confirmation !== window.Name}
              onClick={() => void remove()}
            >
              Delete
            </Button>
          </SpaceBetween>
        </Box>
      }
    >
      <SpaceBetween size="m">
        <Box variant="p">
          Delete <b>{window.Name}</b> ({window.WindowId}) with its targets, tasks and history? This cannot be undone.
        </Box>
        <FormField label={`To confirm, type the window's name (${window.Name})`} controlId="delete-confirmation">
          <Input
            controlId="delete-confirmation"
            value={confirmation}
            onChange={({ detail }) => setConfirmation(detail.value)}
          />
        </FormField>
        {error !== undefined && <Alert type="error">{error}</Alert>}
      </SpaceBetween>
    </Modal>
  );
}
