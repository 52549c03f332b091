/**
 * Sign-in with an access key id and secret. The key is checked with a real signed call
 * (DescribeMaintenanceWindows, allowed to every role) before it is kept in sessionStorage.
 */
import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Container from '@cloudscape-design/components/container';
import Form from '@cloudscape-design/components/form';
import FormField from '@cloudscape-design/components/form-field';
import Header from '@cloudscape-design/components/header';
import Input from '@cloudscape-design/components/input';
import SpaceBetween from '@cloudscape-design/components/space-between';
import { useState } from 'react';
import type { Credentials } from '../api/session.js';
import { errorMessage, SsmClient } from '../api/ssm-client.js';

export function SignInPage({ onSignIn }: { onSignIn: (credentials: Credentials) => void }) {
  const [accessKeyId, setAccessKeyId] = useState('');
  const [secretAccessKey, setSecretAccessKey] = useState('');
  const [error, setError] = useState<string | undefined>(undefined);
  const [isBusy, setBusy] = useState(false);

  const submit = async () => {
    const credentials = { accessKeyId: accessKeyId.trim(), secretAccessKey: secretAccessKey.trim() };
    if (credentials.accessKeyId === '' || credentials.secretAccessKey === '') {
      setError('Enter both the access key ID and the secret access key.');
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      await new SsmClient(credentials).call('DescribeMaintenanceWindows', { MaxResults: 10 });
      onSignIn(credentials);
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Box padding={{ vertical: 'xxxl', horizontal: 'l' }}>
      <div style={{ maxWidth: 480, margin: '0 auto' }}>
        <form
          onSubmit={(event) => {
            event.preventDefault();
            void submit();
          }}
        >
          <Form
            header={<Header variant="h1">Sign in to Mado</Header>}
            actions={
              <Button variant="primary" formAction="submit" loading={isBusy}>
                Sign in
              </Button>
            }
          >
            <Container>
              <SpaceBetween size="l">
                <Box variant="p">
                  Use an access key of this server: the admin key printed at its first start, or one made with{' '}
                  <Box variant="code">mado keys create</Box>. The key stays in this browser tab only (session storage);
                  signing out removes it.
                </Box>
                <FormField label="Access key ID" controlId="access-key-id">
                  <Input
                    controlId="access-key-id"
                    value={accessKeyId}
                    onChange={({ detail }) => setAccessKeyId(detail.value)}
                    autoComplete="username"
                    spellcheck={false}
                    autoFocus
                  />
                </FormField>
                <FormField label="Secret access key" controlId="secret-access-key">
                  <Input
                    controlId="secret-access-key"
                    type="password"
                    value={secretAccessKey}
                    onChange={({ detail }) => setSecretAccessKey(detail.value)}
                    autoComplete="current-password"
                  />
                </FormField>
                {error !== undefined && (
                  <Alert type="error" header="Sign-in failed">
                    {error}
                  </Alert>
                )}
              </SpaceBetween>
            </Container>
          </Form>
        </form>
      </div>
    </Box>
  );
}
