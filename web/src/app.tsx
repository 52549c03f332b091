/**
 * The console shell: sign-in gate, top navigation (with sign-out), side navigation, and the page
 * for the current hash route.
 */
import AppLayout from '@cloudscape-design/components/app-layout';
import SideNavigation from '@cloudscape-design/components/side-navigation';
import TopNavigation from '@cloudscape-design/components/top-navigation';
import { useMemo, useState } from 'react';
import { ApiContext } from './api/api-context.js';
import { clearCredentials, loadCredentials, saveCredentials, type Credentials } from './api/session.js';
import { SsmClient } from './api/ssm-client.js';
import { NotificationsProvider } from './components/notifications.js';
import { ActivationsPage } from './pages/activations-page.js';
import { CommandPage, CommandsPage } from './pages/commands-page.js';
import { CreateActivationPage } from './pages/create-activation-page.js';
import { DocumentPage } from './pages/document-page.js';
import { DocumentsPage } from './pages/documents-page.js';
import { ManagedNodePage } from './pages/managed-node-page.js';
import { ManagedNodesPage } from './pages/managed-nodes-page.js';
import { CreateWindowPage, EditWindowPage } from './pages/window-form-page.js';
import { ExecutionPage } from './pages/execution-page.js';
import { RegisterTargetPage } from './pages/register-target-page.js';
import { RegisterTaskPage } from './pages/register-task-page.js';
import { RunCommandPage } from './pages/run-command-page.js';
import { SignInPage } from './pages/sign-in-page.js';
import { WindowDetailsPage } from './pages/window-details-page.js';
import { WindowsPage } from './pages/windows-page.js';
import { followHash, hrefOf, useRoute, type Route } from './router.js';

function Page({ route }: { route: Route }) {
  switch (route.page) {
    case 'managed-nodes':
      return <ManagedNodesPage />;
    case 'managed-node':
      return <ManagedNodePage instanceId={route.instanceId} />;
    case 'activations':
      return <ActivationsPage />;
    case 'create-activation':
      return <CreateActivationPage />;
    case 'documents':
      return <DocumentsPage />;
    case 'document':
      return <DocumentPage name={route.name} />;
    case 'commands':
      return <CommandsPage />;
    case 'run-command':
      return <RunCommandPage />;
    case 'command':
      return <CommandPage commandId={route.commandId} />;
    case 'windows':
      return <WindowsPage />;
    case 'create-window':
      return <CreateWindowPage />;
    case 'edit-window':
      return <EditWindowPage windowId={route.windowId} />;
    case 'window':
      return <WindowDetailsPage windowId={route.windowId} tab={route.tab} />;
    case 'register-target':
      return <RegisterTargetPage windowId={route.windowId} />;
    case 'register-task':
      return <RegisterTaskPage windowId={route.windowId} />;
    case 'edit-target':
      return <RegisterTargetPage windowId={route.windowId} windowTargetId={route.windowTargetId} />;
    case 'edit-task':
      return <RegisterTaskPage windowId={route.windowId} windowTaskId={route.windowTaskId} />;
    case 'execution':
      return <ExecutionPage windowId={route.windowId} executionId={route.executionId} />;
  }
}

export function App() {
  const [credentials, setCredentials] = useState<Credentials | undefined>(loadCredentials);
  const client = useMemo(() => (credentials === undefined ? undefined : new SsmClient(credentials)), [credentials]);
  const route = useRoute();

  const signIn = (value: Credentials) => {
    saveCredentials(value);
    setCredentials(value);
  };
  const signOut = () => {
    clearCredentials();
    setCredentials(undefined);
  };

  const topNavigation = (
    <div id="top-nav">
      <TopNavigation
        identity={{ href: '#/windows', title: 'Mado', onFollow: followHash }}
        utilities={
          credentials === undefined
            ? []
            : [
                {
                  type: 'menu-dropdown',
                  text: credentials.accessKeyId,
                  iconName: 'user-profile',
                  ariaLabel: `Signed in as ${credentials.accessKeyId}`,
                  items: [{ id: 'sign-out', text: 'Sign out' }],
                  onItemClick: ({ detail }) => {
                    if (detail.id === 'sign-out') {
                      signOut();
                    }
                  },
                },
              ]
        }
      />
    </div>
  );

  if (client === undefined) {
    return (
      <>
        {topNavigation}
        <SignInPage onSignIn={signIn} />
      </>
    );
  }
  return (
    <ApiContext.Provider value={client}>
      {topNavigation}
      <NotificationsProvider>
        {(flashbar) => (
          <AppLayout
            headerSelector="#top-nav"
            toolsHide
            ariaLabels={{
              navigation: 'Side navigation',
              navigationToggle: 'Open side navigation',
              navigationClose: 'Close side navigation',
            }}
            notifications={flashbar}
            navigation={
              <SideNavigation
                header={{ href: '#/windows', text: 'Mado' }}
                activeHref={hrefOf(route).split('/').slice(0, 2).join('/')}
                onFollow={followHash}
                items={[
                  {
                    type: 'section',
                    text: 'Change management',
                    items: [{ type: 'link', text: 'Maintenance windows', href: '#/windows' }],
                  },
                  {
                    type: 'section',
                    text: 'Node Management',
                    items: [
                      {
                        type: 'expandable-link-group',
                        text: 'Fleet Manager',
                        href: '#/managed-nodes',
                        defaultExpanded: true,
                        items: [{ type: 'link', text: 'Managed nodes', href: '#/managed-nodes' }],
                      },
                      { type: 'link', text: 'Hybrid Activations', href: '#/activations' },
                      { type: 'link', text: 'Run Command', href: '#/run-command' },
                    ],
                  },
                  {
                    type: 'section',
                    text: 'Shared Resources',
                    items: [{ type: 'link', text: 'Documents', href: '#/documents' }],
                  },
                ]}
              />
            }
            content={<Page route={route} />}
          />
        )}
      </NotificationsProvider>
    </ApiContext.Provider>
  );
}
