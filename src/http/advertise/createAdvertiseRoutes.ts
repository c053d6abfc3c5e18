import { Hono, type Context } from 'hono';
import type { ErrorCode } from '../../errors/KindlingError.ts';
import type { MachineReport } from '../../machines/MachineReport.ts';
import type { MachineReportStore } from '../../machines/MachineReportStore.ts';
import { nameReport } from '../../machines/nameReport.ts';
import { parseMachineFacts } from '../../machines/parseMachineFacts.ts';
import { replacementProblem } from '../../machines/replacementProblem.ts';
import type { AppEnv } from '../AppEnv.ts';
import type { Authenticator } from '../auth/createAuthenticator.ts';
import type { ErrorAnswers } from '../errors/createErrorAnswers.ts';
import { errorWithDetail } from './errorWithDetail.ts';
import { readBodyWithin } from './readBodyWithin.ts';

export interface AdvertiseRoutesOptions {
  /** The checks /ignition makes. */
  authenticate: Authenticator;
  errors: ErrorAnswers;
  reports: MachineReportStore;
  maxBodyBytes?: number;
  now?: () => number;
  remoteAddress?: (c: Context<AppEnv>) => string;
  /** A report that could not be stored (the API server is down, …): for the log; the machine retries. */
  onStoreFailed?: (error: unknown, machine: string) => void;
}

const JSON_TYPE = /^application\/json\s*(?:;|$)/i;
const UTF8 = new TextDecoder('utf-8', { fatal: true });
const socketAddress = (c: Context<AppEnv>) => c.env?.incoming?.socket.remoteAddress ?? 'unknown';

/**
 * `POST /advertise`: a machine reports its facts with its own bearer token. Checked in this order, each
 * failure changing nothing: the token (the very checks of /ignition: 401, 403, 503), Content-Type (415),
 * size (413), JSON (400), schema (422), the name (422), replacing the stored report (409). Then stored
 * (200, or 503 when the store fails: the script retries 5xx).
 */
export function createAdvertiseRoutes({
  authenticate,
  errors,
  reports,
  maxBodyBytes = 65_536,
  now = Date.now,
  remoteAddress = socketAddress,
  onStoreFailed,
}: AdvertiseRoutesOptions): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const fail = (c: Context<AppEnv>, code: ErrorCode, options?: Parameters<typeof errorWithDetail>[2]) => {
    c.set('errorCode', code);
    return errorWithDetail(errors, code, options);
  };

  app.post('/advertise', async (c) => {
    const address = remoteAddress(c);
    const auth = await authenticate(c.req.header('authorization'), address);
    c.set('pool', auth.ok ? auth.found.secret.pool : auth.pool);
    c.set('tokenFingerprint', auth.tokenFingerprint);
    if (!auth.ok) return fail(c, auth.code);
    if (!JSON_TYPE.test(c.req.header('content-type') ?? '')) return fail(c, 'ERR_UNSUPPORTED_MEDIA_TYPE');
    const body = await readBodyWithin(c.req.raw, maxBodyBytes);
    if (body.kind === 'too-large') {
      return fail(c, 'ERR_BODY_TOO_LARGE', { detail: `a report is at most ${maxBodyBytes} bytes` });
    }
    let json: unknown;
    try {
      json = JSON.parse(UTF8.decode(body.bytes));
    } catch {
      return fail(c, 'ERR_BAD_REQUEST', { detail: 'the body is not UTF-8 JSON' });
    }
    const parsed = parseMachineFacts(json);
    if (!parsed.ok) return fail(c, 'ERR_REPORT_INVALID', { detail: parsed.problem });
    // A per-machine token names its machine (verified); a pool token names none.
    const named = nameReport(auth.found.machine, parsed.facts);
    if (!named.ok) return fail(c, 'ERR_REPORT_INVALID', { detail: named.problem });
    const report: MachineReport = {
      machine: named.machine,
      pool: auth.found.secret.pool,
      identity: named.identity,
      receivedAt: new Date(now()).toISOString(),
      tokenFingerprint: auth.tokenFingerprint,
      remoteAddress: address,
      facts: parsed.facts,
    };
    try {
      const problem = replacementProblem(await reports.get(report.machine), report);
      if (problem !== undefined) return fail(c, 'ERR_REPORT_CONFLICT', { detail: problem });
      await reports.put(report);
    } catch (error) {
      onStoreFailed?.(error, report.machine);
      return fail(c, 'ERR_REPORT_NOT_STORED');
    }
    const { machine, identity, receivedAt } = report;
    return c.json({ machine, identity, receivedAt }, 200, {
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    });
  });

  app.all('/advertise', (c) => fail(c, 'ERR_METHOD_NOT_ALLOWED', { headers: { Allow: 'POST' } }));
  return app;
}
