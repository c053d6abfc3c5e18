/**
 * The Secret that lists revoked per-machine tokens (format v1; the CLI writes it, see
 * src/cli/token/format/machineRecordsFormat.ts): `kindling-revocations` in the server's namespace, each data
 * key a revoked `jti`. The server reads only the keys: a key that is there is revoked, whatever its value
 * says, so a hand edit can only refuse more tokens, never fewer.
 */
export const REVOCATIONS_SECRET_TYPE = 'kindling.dev/revocations';
