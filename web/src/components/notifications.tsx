/** Page-level messages (Cloudscape Flashbar): success after an action, or the API's refusal. */
import Flashbar, { type FlashbarProps } from '@cloudscape-design/components/flashbar';
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';

export interface Notify {
  success(content: string): void;
  error(content: string): void;
}

const NotifyContext = createContext<Notify>({ success: () => undefined, error: () => undefined });

export function useNotify(): Notify {
  return useContext(NotifyContext);
}

let nextId = 0;

export function NotificationsProvider({ children }: { children: (flashbar: ReactNode) => ReactNode }) {
  const [items, setItems] = useState<FlashbarProps.MessageDefinition[]>([]);
  const add = useCallback((type: 'success' | 'error', content: string) => {
    const id = `message-${nextId++}`;
    const dismiss = () => setItems((current) => current.filter((item) => item.id !== id));
    setItems((current) => [
      ...current.slice(-2),
      { id, type, content, dismissible: true, dismissLabel: 'Dismiss message', onDismiss: dismiss },
    ]);
  }, []);
  const notify = useMemo<Notify>(
    () => ({ success: (content) => add('success', content), error: (content) => add('error', content) }),
    [add],
  );
  return <NotifyContext.Provider value={notify}>{children(<Flashbar items={items} />)}</NotifyContext.Provider>;
}
