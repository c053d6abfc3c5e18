import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readSecretFile } from '../sources/directory/readSecretFile.ts';
import type { SecretObject } from '../tokens/SecretObject.ts';
import { readConfig, serveUntilSignalled } from './runServe.ts';

const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url));
const DEMO_FILE = 'token-workers.yaml';

/** The demo Secret's token: a published, throw-away value, printed so a newcomer can try the server. */
function demoToken(): string {
  const [first] = readSecretFile(DEMO_FILE, readFileSync(`${FIXTURES}${DEMO_FILE}`, 'utf8'));
  const token = (first?.object as SecretObject | undefined)?.stringData?.token;
  if (!token) throw new Error(`${FIXTURES}${DEMO_FILE} has no stringData.token`);
  return token;
}

/** `kindling serve` on the shipped fixtures, on loopback, plain HTTP, with a curl line to try. */
export async function runDemo(args: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const defaults = [
    '--source',
    `dir:${FIXTURES}`,
    '--listen',
    '127.0.0.1:8080',
    '--metrics-listen',
    '127.0.0.1:9090',
  ];
  const config = readConfig([...defaults, '--plain-http', ...args], env);
  if (!config) return 2;
  const token = demoToken();
  return serveUntilSignalled(config, {
    onStarted(kindling) {
      process.stderr.write(
        [
          '',
          `kindling is serving the demo token Secrets of ${FIXTURES} at ${kindling.url}`,
          'Fetch the demo payload:',
          `  curl -H 'Authorization: Bearer ${token}' ${kindling.url}/ignition`,
          `Metrics: ${kindling.metricsUrl}/metrics    Stop: Ctrl-C`,
          '',
          '',
        ].join('\n'),
      );
    },
  });
}
