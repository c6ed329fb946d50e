/**
 * Validation of generated objects against the published CRD schemas in test/fixtures/crds/
 * (see its README), with ajv. A CRD's structural schema lets the API server drop unknown fields
 * silently; here every object schema that lists its properties (and does not preserve unknown
 * fields) is closed, so a misspelt field fails the test as `kubectl apply --validate=strict` would.
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import { repoFixture } from '../../../test/support/fixtures.js';
import type { ServingSpec } from '../package/index.js';

const KUBERNETES_KEYWORDS = ['x-kubernetes-int-or-string', 'x-kubernetes-list-map-keys', 'x-kubernetes-list-type', 'x-kubernetes-map-type', 'x-kubernetes-preserve-unknown-fields', 'x-kubernetes-validations', 'x-kubernetes-embedded-resource'];

function closeObjects(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(closeObjects);
  if (!node || typeof node !== 'object') return node;
  const schema = Object.fromEntries(Object.entries(node).map(([key, value]) => [key, key === 'properties' ? Object.fromEntries(Object.entries(value as object).map(([name, child]) => [name, closeObjects(child)])) : closeObjects(value)]));
  if (schema.properties && schema.additionalProperties === undefined && !schema['x-kubernetes-preserve-unknown-fields']) schema.additionalProperties = false;
  return schema;
}

function createAjv(): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false });
  for (const keyword of KUBERNETES_KEYWORDS) ajv.addKeyword({ keyword });
  ajv.addFormat('int32', { type: 'number', validate: (value: number) => Number.isInteger(value) && value >= -(2 ** 31) && value < 2 ** 31 });
  ajv.addFormat('int64', { type: 'number', validate: (value: number) => Number.isSafeInteger(value) });
  ajv.addFormat('date-time', { type: 'string', validate: (value: string) => !Number.isNaN(Date.parse(value)) });
  return ajv;
}

const ajv = createAjv();
const validators = new Map<string, { apiVersion: string; validate: ValidateFunction }>();

/** The CRDs kept in test/fixtures/crds/, by kind. */
export const CRD_FILES = {
  Rollout: 'argo-rollout.schema.json',
  AnalysisTemplate: 'argo-analysis-template.schema.json',
  InferenceService: 'kserve-inference-service.schema.json',
} as const;

/** The schema errors of `object` against its kind's CRD, as `path: message` lines (none when valid). */
export function crdErrors(object: { kind: string; apiVersion: string }): string[] {
  const file = CRD_FILES[object.kind as keyof typeof CRD_FILES];
  if (!file) throw new Error(`no CRD schema is kept for kind ${object.kind}`);
  let compiled = validators.get(file);
  if (!compiled) {
    const crd = JSON.parse(readFileSync(repoFixture('crds', file), 'utf8')) as { group: string; version: string; schema: object };
    compiled = { apiVersion: `${crd.group}/${crd.version}`, validate: ajv.compile(closeObjects(crd.schema) as object) };
    validators.set(file, compiled);
  }
  if (object.apiVersion !== compiled.apiVersion) return [`apiVersion ${object.apiVersion} is not ${compiled.apiVersion}`];
  const { validate } = compiled;
  if (validate(object)) return [];
  return (validate.errors ?? []).map((error) => `${error.instancePath || '/'}: ${error.message}${error.params && 'additionalProperty' in error.params ? ` (${String(error.params.additionalProperty)})` : ''}`);
}

/** A packaged model as `sluice package` resolves it. */
export const SERVING: ServingSpec = {
  name: 'bc-logreg',
  image: 'registry.example.com/ml/bc-logreg:3',
  port: 8080,
  replicas: 5,
  maxReplicas: 10,
  contextModelFile: 'model/bc-logreg.onnx',
  tarball: 'sluice-0.1.0.tgz',
  sluiceVersion: '0.1.0',
  modelBlake3: '0123456789abcdef'.repeat(4),
  dependencies: 'install',
};
