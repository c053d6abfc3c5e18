#!/usr/bin/env node
import { KindlingError } from '../errors/KindlingError.ts';
import { usage } from './usage.ts';

const [command, ...args] = process.argv.slice(2);

// Each command imports its own code: `kindling help` or a server on a directory does not load the cluster
// commands and the Kubernetes client they use.
async function main(): Promise<number> {
  switch (command) {
    case 'serve':
      return (await import('./runServe.ts')).runServe(args, process.env);
    case 'demo':
      return (await import('./runDemo.ts')).runDemo(args, process.env);
    case 'token':
    case 'stub':
      return (await import('./token/runTokenCommand.ts')).runTokenCommand([command, ...args], process.env);
    case 'node':
    case 'machines':
      return (await import('./node/runNodeCommand.ts')).runNodeCommand([command, ...args], process.env);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(usage());
      return command === undefined ? 2 : 0;
    default:
      process.stderr.write(`kindling: unknown command ${JSON.stringify(command)}\n\n${usage()}`);
      return 2;
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const config = error instanceof KindlingError && error.code === 'ERR_CONFIG_INVALID';
    process.stderr.write(`kindling: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = config ? 2 : 1;
  },
);
