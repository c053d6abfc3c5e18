/** `kindling node …` and `kindling machines …` (issue 6; being written). */
export async function runNodeCommand(_args: readonly string[], _env: NodeJS.ProcessEnv): Promise<number> {
  process.stderr.write('kindling node: not available yet\n');
  return 2;
}
