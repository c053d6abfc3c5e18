import { envName, SERVE_OPTIONS } from '../config/parseServeConfig.ts';

export function usage(): string {
  const options = Object.entries(SERVE_OPTIONS)
    .map(([name, { type, help }]) => {
      const flag = `--${name}${type === 'string' ? ' VALUE' : ''}`;
      return `  ${flag.padEnd(28)} ${help}\n  ${''.padEnd(28)} env ${envName(name)}`;
    })
    .join('\n');
  return `Usage: kindling COMMAND [OPTIONS]

Commands:
  serve     serve payloads from token Secrets
  demo      serve the demo token Secrets in fixtures/ on http://127.0.0.1:8080 and print a curl command
  token     create, rotate, revoke, list and mint tokens (kindling token --help)
  stub      print or store a machine's boot stub (kindling stub --help)
  node      maintenance on/off and removal of a node (kindling node --help)
  machines  list machine reports, copy facts to nodes as labels (kindling machines --help)
  help      this text

Options of serve (a flag wins over its environment variable):
${options}
`;
}
