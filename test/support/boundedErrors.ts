import { inspect } from 'node:util';

// Vitest reports an unhandled error by cloning every property it can reach, prototype getters included, and
// sending the clone to the main process. An error that holds a socket, a request or an agent (what an HTTP
// client may reject with once a server it talks to is killed) expands without bound: the worker grew past
// 20 GiB and died of std::bad_alloc, reported only as "Worker exited unexpectedly with signal SIGABRT".
// Such an error is reported here by its name, message, code, stack and causes, and its other fields in a
// bounded inspection, so the run still fails, and says why.

const KEPT = new Set<PropertyKey>(['name', 'message', 'stack', 'code', 'errno', 'syscall', 'cause']);
const MAX_FIELD = 400;
const MAX_CAUSES = 4;

/** Replaces, in place, every field of `error` that is not a primitive by a short description of it. */
export function boundError(error: unknown, depth = 0): void {
  if (error === null || typeof error !== 'object') return;
  for (const key of Reflect.ownKeys(error)) {
    let value: unknown;
    try {
      value = (error as Record<PropertyKey, unknown>)[key];
    } catch {
      value = '<getter threw>';
    }
    if (key === 'cause') {
      if (depth < MAX_CAUSES && value instanceof Error) boundError(value, depth + 1);
      else if (value !== null && typeof value === 'object') define(error, key, describe(value));
      continue;
    }
    if (KEPT.has(key) && (value === null || typeof value !== 'object')) continue;
    if (value !== null && (typeof value === 'object' || typeof value === 'function')) {
      define(error, key, describe(value));
    }
  }
}

function describe(value: unknown): string {
  const text = inspect(value, { depth: 1, breakLength: Infinity, maxArrayLength: 5, maxStringLength: 200 });
  return text.length > MAX_FIELD ? `${text.slice(0, MAX_FIELD)}…` : text;
}

function define(target: object, key: PropertyKey, value: string) {
  try {
    Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  } catch {
    // A frozen or non-configurable field stays; the others are what held the graph.
  }
}

// Runs before vitest's own 'uncaughtException' listener, and does not count as one (vitest leaves errors to
// a test's own listener when it sees one).
const installed = Symbol.for('kindling.test.boundedErrors');
const state = globalThis as { [installed]?: boolean };
if (!state[installed]) {
  state[installed] = true;
  process.on('uncaughtExceptionMonitor', (error) => boundError(error));

  // There is no monitor for rejections, and a listener of our own would make vitest ignore them: rethrown,
  // bounded, they reach vitest as an uncaught exception and fail the run all the same.
  process.on('unhandledRejection', (reason) => {
    boundError(reason);
    throw reason instanceof Error ? reason : new Error(`unhandled rejection: ${describe(reason)}`);
  });
}
