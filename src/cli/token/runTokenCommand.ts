/** `kindling token …` and `kindling stub …` (issue 5; being written). */
export async function runTokenCommand(_args: readonly string[], _env: NodeJS.ProcessEnv): Promise<number> {
  process.stderr.write('kindling token: not available yet\n');
  return 2;
}
