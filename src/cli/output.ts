/** Where commands write: stdout for results, stderr for progress and errors. Injectable for tests. */
export interface CliOutput {
  readonly stdout: NodeJS.WriteStream;
  readonly stderr: NodeJS.WriteStream;
}

export const processOutput: CliOutput = { stdout: process.stdout, stderr: process.stderr };

/** Prints a value as indented JSON with a trailing newline. */
export function printJson(output: CliOutput, value: unknown): void {
  output.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
