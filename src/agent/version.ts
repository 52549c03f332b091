/** The agent's version, reported in every hello and at registration. The one place it is set. */
export const AGENT_VERSION = '1.0.0';
