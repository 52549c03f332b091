/**
 * Builders for domain records (`aWindow({ schedule: 'rate(1 day)' })`): valid defaults with fresh
 * ids, overridden where a test cares. The implementation sits beside the store conformance suite,
 * which is compiled with `src/` and therefore cannot import from `test/`.
 */
export {
  BUILT_AT,
  aDocumentVersion,
  aStoredDocument,
  aTaskExecution,
  aTaskInvocation,
  aWindow,
  aWindowExecution,
  aWindowTarget,
  aWindowTask,
} from '../../src/store/conformance/records.js';
