/** The JSON depth guard lives in the domain (document content uses it too); re-exported here for the wire layer. */
export { exceedsJsonDepth, MAX_JSON_DEPTH } from '../../domain/json-depth.js';
