/**
 * The pipeline as an Argo Workflow: valid against Argo's API schema, one task per stage with
 * exactly the DAG's edges, each running `sluice stage run` at the commit, placed by its labels
 * and resources.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { REPO_ROOT } from '../../test/support/fixtures.js';
import { makeTempDir } from '../../test/support/temp-dir.js';
import { buildGraph, dagEdges, loadPipeline, parsePipeline } from '../pipeline/index.js';
import { workflowErrors } from './export-test-support.js';
import { ARGO_FIELD_NAME, argoWorkflow, STAGE_ANNOTATION, type ArgoWorkflowOptions, type ContainerTemplate, type DagTemplate, type Workflow } from './index.js';

const OPTIONS: ArgoWorkflowOptions = {
  name: 'breast-cancer',
  image: 'registry.example.com/ml/bc:7',
  repository: 'https://github.com/acme/bc.git',
  revision: '0123456789abcdef0123456789abcdef01234567',
  workspacePrefix: '',
  retries: 2,
  sluiceVersion: '0.1.0',
};

const examplePipeline = () => loadPipeline(join(REPO_ROOT, 'examples', 'pipeline'));

const dagOf = (workflow: Workflow) => workflow.spec.templates.find((template): template is DagTemplate => 'dag' in template)!;
const stageTemplates = (workflow: Workflow) => workflow.spec.templates.filter((template): template is ContainerTemplate => 'container' in template);

/** The workflow's edges as stage names (upstream, downstream), through each task's template annotation. */
function workflowEdges(workflow: Workflow): [string, string][] {
  const stageOfTemplate = new Map(stageTemplates(workflow).map((template) => [template.name, template.metadata.annotations[STAGE_ANNOTATION]!]));
  const stageOfTask = new Map(dagOf(workflow).dag.tasks.map((task) => [task.name, stageOfTemplate.get(task.template)!]));
  return dagOf(workflow).dag.tasks.flatMap((task) => (task.dependencies ?? []).map((upstream): [string, string] => [stageOfTask.get(upstream)!, stageOfTask.get(task.name)!]));
}

const sorted = (edges: readonly (readonly [string, string])[]) => edges.map((edge) => edge.join(' -> ')).sort();

describe('the example pipeline as an Argo Workflow', () => {
  test("validates against Argo Workflows' Workflow schema", () => {
    const workflow = argoWorkflow(buildGraph(examplePipeline()), OPTIONS);
    assert.deepEqual(workflowErrors(workflow), []);
  });

  test("the DAG template's dependencies are exactly the pipeline's edges", () => {
    const graph = buildGraph(examplePipeline());
    const workflow = argoWorkflow(graph, OPTIONS);
    assert.ok(dagEdges(graph).length >= 5, 'the example has data and validation edges');
    assert.deepEqual(sorted(workflowEdges(workflow)), sorted(dagEdges(graph)));
  });

  test('every stage is one task whose template runs `sluice stage run NAME --pull --push` in the image, in the checkout', () => {
    const pipeline = examplePipeline();
    const workflow = argoWorkflow(buildGraph(pipeline), OPTIONS);
    const templates = stageTemplates(workflow);
    assert.deepEqual(templates.map((template) => template.metadata.annotations[STAGE_ANNOTATION]).sort(), pipeline.stages.map((stage) => stage.name).sort());
    assert.equal(dagOf(workflow).dag.tasks.length, pipeline.stages.length);
    const train = templates.find((template) => template.metadata.annotations[STAGE_ANNOTATION] === 'train')!;
    assert.deepEqual([...train.container.command, ...train.container.args], ['sluice', 'stage', 'run', 'train', '--pull', '--push']);
    assert.equal(train.container.image, OPTIONS.image);
    assert.equal(train.container.workingDir, train.inputs.artifacts[0]!.path);
    assert.deepEqual(train.inputs.artifacts[0]!.git, { repo: '{{workflow.parameters.repository}}', revision: '{{workflow.parameters.revision}}' });
    assert.deepEqual(workflow.spec.arguments.parameters, [
      { name: 'repository', value: OPTIONS.repository },
      { name: 'revision', value: OPTIONS.revision },
    ]);
  });

  test('the server URL and token and the cache credentials come from Secrets unless the URL is given', () => {
    const fromSecrets = stageTemplates(argoWorkflow(buildGraph(examplePipeline()), OPTIONS))[0]!.container;
    assert.deepEqual(fromSecrets.env.map((variable) => [variable.name, variable.valueFrom?.secretKeyRef.name, variable.valueFrom?.secretKeyRef.key]), [
      ['SLUICE_SERVER_URL', 'sluice-server', 'url'],
      ['SLUICE_TOKEN', 'sluice-server', 'token'],
    ]);
    assert.deepEqual(fromSecrets.envFrom, [{ secretRef: { name: 'sluice-remote', optional: true } }]);
    const given = stageTemplates(argoWorkflow(buildGraph(examplePipeline()), { ...OPTIONS, serverUrl: 'https://sluice.example.com' }))[0]!.container;
    assert.deepEqual(given.env[0], { name: 'SLUICE_SERVER_URL', value: 'https://sluice.example.com' });
  });

  test('a stage retries when its pod fails for another reason than its command, and the workflow carries its labels', () => {
    const workflow = argoWorkflow(buildGraph(examplePipeline()), { ...OPTIONS, retries: 3, namespace: 'ml' });
    assert.deepEqual(stageTemplates(workflow)[0]!.retryStrategy, { limit: '3', retryPolicy: 'OnError', backoff: { duration: '10s', factor: '2' } });
    assert.equal(workflow.metadata.generateName, 'breast-cancer-');
    assert.equal(workflow.metadata.namespace, 'ml');
    assert.equal(workflow.metadata.labels?.['sluice.dev/commit'], OPTIONS.revision);
    assert.deepEqual(workflow.spec.podMetadata.labels, workflow.metadata.labels);
  });
});

describe('stages the example does not have', () => {
  let temp: ReturnType<typeof makeTempDir>;
  beforeEach(() => {
    temp = makeTempDir();
    writeFileSync(join(temp.path, 'params.yaml'), 'seed: 1\n');
  });
  afterEach(() => temp.remove());
  const compile = (text: string) => {
    const graph = buildGraph(parsePipeline(temp.path, text));
    return { graph, workflow: argoWorkflow(graph, OPTIONS) };
  };

  test('foreach items are tasks of their own, and a stage reading one item waits for that item only', () => {
    const { graph, workflow } = compile(
      'stages:\n  split:\n    foreach: [a, b.c]\n    do: {cmd: echo, outs: ["out/${item}"]}\n  use_a:\n    cmd: echo\n    deps: [out/a]\n',
    );
    assert.deepEqual(sorted(workflowEdges(workflow)), sorted(dagEdges(graph)));
    assert.deepEqual(sorted(workflowEdges(workflow)), ['split@a -> use_a']);
    assert.deepEqual(workflowErrors(workflow), []);
  });

  test('after: edges are dependencies too', () => {
    const { workflow } = compile('stages:\n  first: {cmd: echo}\n  second: {cmd: echo, after: [first]}\n');
    assert.deepEqual(workflowEdges(workflow), [['first', 'second']]);
  });

  test('stage names Argo refuses (@, _, .) become unique task and template names it accepts', () => {
    const { workflow } = compile('stages:\n  prep_data: {cmd: echo}\n  prep-data: {cmd: echo}\n  fit:\n    matrix: {lr: [0.1, 0.01]}\n    cmd: echo ${item.lr}\n');
    const names = [...dagOf(workflow).dag.tasks.map((task) => task.name), ...workflow.spec.templates.map((template) => template.name)];
    for (const name of names) assert.match(name, ARGO_FIELD_NAME);
    assert.equal(new Set(dagOf(workflow).dag.tasks.map((task) => task.name)).size, 4);
    assert.equal(new Set(workflow.spec.templates.map((template) => template.name)).size, 5);
  });

  test('labels become node selectors with tolerations, and resources become requests and limits', () => {
    const { workflow } = compile('stages:\n  train:\n    cmd: echo\n    labels: [bigmem, example.com/pool=a100]\n    resources: {cpu: 4, memory: 16Gi, gpu: 2}\n');
    const [train] = stageTemplates(workflow);
    assert.deepEqual(train!.nodeSelector, { 'sluice.dev/bigmem': 'true', 'example.com/pool': 'a100' });
    assert.deepEqual(train!.tolerations, [
      { key: 'sluice.dev/bigmem', operator: 'Equal', value: 'true', effect: 'NoSchedule' },
      { key: 'example.com/pool', operator: 'Equal', value: 'a100', effect: 'NoSchedule' },
      { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
    ]);
    assert.deepEqual(train!.container.resources, { requests: { cpu: '4', memory: '16Gi' }, limits: { memory: '16Gi', 'nvidia.com/gpu': '2' } });
    assert.deepEqual(workflowErrors(workflow), []);
  });

  test('a stage without labels or resources gets no node selector and no resources', () => {
    const [stage] = stageTemplates(compile('stages:\n  s: {cmd: echo}\n').workflow);
    assert.deepEqual([stage!.nodeSelector, stage!.tolerations, stage!.container.resources], [undefined, undefined, undefined]);
  });
});

describe('the validator used above', () => {
  test('refuses a Workflow whose dependencies are not task names', () => {
    const workflow = argoWorkflow(buildGraph(examplePipeline()), OPTIONS);
    const broken = structuredClone(workflow) as unknown as { spec: { templates: { dag?: { tasks: { dependencies?: unknown[] }[] } }[] } };
    broken.spec.templates[0]!.dag!.tasks[1]!.dependencies = [42];
    assert.notDeepEqual(workflowErrors(broken as unknown as Workflow), []);
  });
});
