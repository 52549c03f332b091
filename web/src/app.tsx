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
import { CreateWindowPage, EditWindowPage } from './pages/window-form-page.js';
import { ExecutionPage } from './pages/execution-page.js';
import { RegisterTargetPage } from './pages/register-target-page.js';
import { RegisterTaskPage } from './pages/register-task-page.js';
import { SignInPage } from './pages/sign-in-page.js';
import { WindowDetailsPage } from './pages/window-details-page.js';
import { WindowsPage } from './pages/windows-page.js';
import { followHash, useRoute, type Route } from './router.js';

function Page({ route }: { route: Route }) {
  switch (route.page) {
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
            notifications={flashbar}
            navigation={
              <SideNavigation
                header={{ href: '#/windows', text: 'Mado' }}
                activeHref="#/windows"
                onFollow={followHash}
                items={[
                  {
                    type: 'section',
                    text: 'Change management',
                    items: [{ type: 'link', text: 'Maintenance windows', href: '#/windows' }],
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
