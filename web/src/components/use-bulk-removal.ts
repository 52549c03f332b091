/**
 * Selection in a table plus "remove the selected items": removes them one by one, tells the
 * user how many went (or the API's error), clears the selection and reloads the table.
 */
import { useState } from 'react';
import { errorMessage } from '../api/ssm-client.js';
import { useNotify } from './notifications.js';

export function useBulkRemoval<T>(options: {
  /** Removes one item (one API call). */
  readonly remove: (item: T) => Promise<unknown>;
  /** The success message for `count` removed items. */
  readonly removed: (count: number) => string;
  readonly reload: () => void;
}) {
  const notify = useNotify();
  const [selected, setSelected] = useState<T[]>([]);
  const [isBusy, setBusy] = useState(false);

  const removeSelected = async () => {
    setBusy(true);
    try {
      for (const item of selected) {
        await options.remove(item);
      }
      notify.success(options.removed(selected.length));
      setSelected([]);
      options.reload();
    } catch (error) {
      notify.error(errorMessage(error));
    } finally {
      setBusy(false);
    }
  };

  return { selected, setSelected, isBusy, removeSelected };
}
