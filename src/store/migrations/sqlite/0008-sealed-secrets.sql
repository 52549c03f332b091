-- Mado schema, version 8: access-key secrets are kept sealed (AES-256-GCM) with the server's
-- master key, which lives in its own file (`master.key` in the data directory by default), never
-- in the database.
--
-- SQL cannot encrypt, so this migration only renames the column and marks the secrets that are
-- already there as still in clear; the server seals them at its next start, with the master key,
-- in one transaction that also clears the mark (AccessKeyService.sealPlaintextSecrets). Until
-- then `sealed_secret` may hold a secret in clear, and only while the mark is 'plaintext'.
--
-- The pagination-token key is no longer stored: it is derived from the master key. Page tokens
-- issued before the upgrade are refused (InvalidNextToken); clients start the listing again.

ALTER TABLE access_keys RENAME COLUMN secret_access_key TO sealed_secret;

INSERT INTO settings (name, value) VALUES ('access-key-secrets', 'plaintext');

DELETE FROM settings WHERE name = 'page-token-key';
