/**
 * GitHub's own workflow parser (@actions/workflow-parser), for validating generated workflows.
 * Its published ES modules import their JSON schema without an import attribute, which only a
 * bundler accepts, so it is loaded here through an in-memory esbuild bundle (esbuild inlines the
 * JSON) imported as a data: URL. Nothing is written to disk.
 */
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';

type WorkflowParser = typeof import('@actions/workflow-parser');

let loaded: Promise<WorkflowParser> | undefined;

/** The parser's module, bundled once per test process. */
export function loadWorkflowParser(): Promise<WorkflowParser> {
  loaded ??= (async () => {
    const entry = fileURLToPath(import.meta.resolve('@actions/workflow-parser'));
    const [bundle] = buildSync({
      entryPoints: [entry],
      bundle: true,
      format: 'esm',
      platform: 'node',
      write: false,
      logLevel: 'silent',
      // Its CommonJS dependencies require Node's built-ins, which an ES module gets through createRequire.
      banner: { js: `import { createRequire } from 'node:module'; const require = createRequire(${JSON.stringify(entry)});` },
    }).outputFiles;
    return (await import(`data:text/javascript;base64,${Buffer.from(bundle!.contents).toString('base64')}`)) as WorkflowParser;
  })();
  return loaded;
}

/** The errors GitHub's parser finds in a workflow's text; none when it is valid. */
export async function githubWorkflowErrors(text: string): Promise<string[]> {
  const { parseWorkflow, NoOperationTraceWriter } = await loadWorkflowParser();
  const result = parseWorkflow({ name: 'workflow.yml', content: text }, new NoOperationTraceWriter());
  return result.context.errors.getErrors().map((error) => error.message);
}
