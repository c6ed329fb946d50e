/**
 * The registry service on a real SQLite store: versions, aliases, references, the audit log and
 * the model resolver, each test in its own scratch workspace.
 */
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { blake3 } from '@napi-rs/blake-hash';
import { scratchRepo } from '../../test/support/cli.js';
import { sharedFixture } from '../../test/support/fixtures.js';
import { openWorkspace, openWorkspaceServices, type WorkspaceServices } from '../workspace/index.js';
import { parseModelReference, registerModelFile, type RegistryService } from './index.js';

const ACTOR = { name: 'tester', origin: 'test' };
const MODEL = sharedFixture('breast_cancer', 'models', 'bc_logreg.onnx');
const OTHER_MODEL = sharedFixture('breast_cancer', 'models', 'bc_mlp.onnx');

interface Setup {
  readonly services: WorkspaceServices;
  readonly registry: RegistryService;
  readonly tempDir: string;
}

const cleanups: (() => Promise<void>)[] = [];

async function setup(): Promise<Setup> {
  const repo = scratchRepo({ 'sluice.yaml': 'stages: {}\n' });
  const services = await openWorkspaceServices(openWorkspace(repo.root, {}));
  cleanups.push(async () => {
    await services.close();
    repo.remove();
  });
  return { services, registry: services.registry(ACTOR), tempDir: join(repo.outside, 'tmp') };
}

async function register({ services, registry, tempDir }: Setup, name: string, source = MODEL, alias?: string) {
  return registerModelFile(registry, services.tracking, { source, name, alias, tempDir });
}

/** The error's code, when the promise rejects. */
async function rejectsWithCode(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.equal((error as { code?: unknown }).code, code, `expected ${code}, got ${String(error)}`);
    return true;
  });
}

function throwsWithCode(fn: () => unknown, code: string): void {
  assert.throws(fn, (error: unknown) => {
    assert.equal((error as { code?: unknown }).code, code, `expected ${code}, got ${String(error)}`);
    return true;
  });
}

describe('registry service', { timeout: 60_000 }, () => {
  after(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  test('registering an ONNX file gives version 1 with its hash, size and signature', async () => {
    const context = await setup();
    const version = await register(context, 'bc');
    assert.equal(version.name, 'bc');
    assert.equal(version.version, 1);
    assert.equal(version.objectId, `blake3:${blake3(readFileSync(MODEL)).toString('hex')}`);
    assert.equal(version.sizeBytes, statSync(MODEL).size);
    assert.ok(version.signature, 'an ONNX file has a signature');
    assert.ok(version.signature.inputs.length > 0);
    assert.ok(version.signature.outputs.length > 0);
    for (const tensor of [...version.signature.inputs, ...version.signature.outputs]) {
      assert.equal(typeof tensor.name, 'string');
      assert.ok(tensor.name.length > 0);
    }
    assert.equal(version.userId, 'tester');
    assert.match(version.source, /^mlflow-artifacts:\//);
    const model = await context.registry.getRegisteredModel('bc');
    assert.equal(model.name, 'bc');
  });

  test('version numbers increase and are never reused after a delete', async () => {
    const context = await setup();
    assert.equal((await register(context, 'bc')).version, 1);
    assert.equal((await register(context, 'bc', OTHER_MODEL)).version, 2);
    await context.registry.deleteModelVersion('bc', 2);
    await rejectsWithCode(context.registry.getModelVersion('bc', 2), 'SLUICE_REGISTRY_VERSION_NOT_FOUND');
    const third = await register(context, 'bc', OTHER_MODEL);
    assert.equal(third.version, 3);
    assert.equal((await context.registry.getModelVersion('bc', 1)).version, 1);
  });

  test('an alias resolves to its version; missing aliases, models and versions are told apart', async () => {
    const context = await setup();
    const { registry } = context;
    await register(context, 'bc');
    await register(context, 'bc', OTHER_MODEL);
    await registry.setAlias('bc', 'champion', 1);
    const champion = await registry.resolve('models:/bc@champion');
    assert.equal(champion.version, 1);
    assert.deepEqual(champion.aliases, ['champion']);
    assert.equal((await registry.findVersion('models:/bc@champion'))?.version, 1);

    assert.equal(await registry.findVersion('models:/bc@challenger'), undefined);
    assert.equal(await registry.findVersion('models:/nope@champion'), undefined);
    await rejectsWithCode(registry.resolve('models:/bc@challenger'), 'SLUICE_REGISTRY_ALIAS_NOT_FOUND');
    await rejectsWithCode(registry.resolve('models:/nope@champion'), 'SLUICE_REGISTRY_MODEL_NOT_FOUND');
    await rejectsWithCode(registry.resolve('models:/bc/9'), 'SLUICE_REGISTRY_VERSION_NOT_FOUND');
    await rejectsWithCode(registry.setAlias('bc', 'champion', 9), 'SLUICE_REGISTRY_VERSION_NOT_FOUND');
  });

  test('models:/NAME/latest resolves to the newest version', async () => {
    const context = await setup();
    await register(context, 'bc');
    assert.equal((await context.registry.resolve('models:/bc/latest')).version, 1);
    await register(context, 'bc', OTHER_MODEL);
    const latest = await context.registry.resolve('models:/bc/latest');
    assert.equal(latest.version, 2);
    assert.equal(latest.objectId, `blake3:${blake3(readFileSync(OTHER_MODEL)).toString('hex')}`);
    assert.equal((await context.registry.resolve('models:/bc/1')).version, 1);
  });

  test('invalid model names and reserved aliases are refused', async () => {
    const context = await setup();
    const { registry } = context;
    await rejectsWithCode(registry.createRegisteredModel({ name: 'a/b' }), 'SLUICE_REGISTRY_INVALID_VALUE');
    await rejectsWithCode(registry.createRegisteredModel({ name: 'a:b' }), 'SLUICE_REGISTRY_INVALID_VALUE');
    await register(context, 'bc');
    for (const alias of ['latest', 'LATEST', 'v1', 'V12', 'bad alias', 'a/b', '']) {
      await rejectsWithCode(registry.setAlias('bc', alias, 1), 'SLUICE_REGISTRY_INVALID_VALUE');
    }
    await rejectsWithCode(register(context, 'bc', MODEL, 'latest'), 'SLUICE_REGISTRY_INVALID_VALUE');
    assert.equal((await registry.getRegisteredModel('bc')).aliases.length, 0);
  });

  test('every change is in the audit log with the actor and action', async () => {
    const context = await setup();
    const { registry } = context;
    await register(context, 'bc');
    await register(context, 'bc', OTHER_MODEL);
    await registry.setAlias('bc', 'champion', 1);
    await registry.setAlias('bc', 'champion', 2);
    await registry.deleteAlias('bc', 'champion');
    await registry.deleteModelVersion('bc', 1);

    const entries = await registry.listAudit({ model: 'bc' });
    const actions = entries.map((entry) => entry.action).reverse();
    assert.deepEqual(actions, ['registered_model.create', 'model_version.create', 'model_version.create', 'alias.set', 'alias.set', 'alias.delete', 'model_version.delete']);
    for (const entry of entries) {
      assert.equal(entry.actor, 'tester');
      assert.equal(entry.origin, 'test');
    }
    const aliasSets = entries.filter((entry) => entry.action === 'alias.set').reverse();
    assert.equal(aliasSets[0]!.target, 'models:/bc@champion');
    assert.deepEqual(aliasSets[0]!.details, { version: 1, previous_version: null });
    assert.deepEqual(aliasSets[1]!.details, { version: 2, previous_version: 1 });
    const aliasDelete = entries.find((entry) => entry.action === 'alias.delete')!;
    assert.deepEqual(aliasDelete.details, { previous_version: 2 });
    assert.equal(entries.find((entry) => entry.action === 'model_version.delete')!.target, 'models:/bc/1');
  });

  test('parseModelReference reads the short forms and URIs', () => {
    assert.deepEqual(parseModelReference('bc'), { kind: 'model', name: 'bc' });
    assert.deepEqual(parseModelReference('bc/3'), { name: 'bc', kind: 'version', version: 3 });
    assert.deepEqual(parseModelReference('bc@champion'), { name: 'bc', kind: 'alias', alias: 'champion' });
    assert.deepEqual(parseModelReference('models:/bc/Production'), { name: 'bc', kind: 'stage', stage: 'Production' });
    assert.deepEqual(parseModelReference('models:/bc/latest'), { name: 'bc', kind: 'latest' });
    assert.deepEqual(parseModelReference('models:/bc@champion'), { name: 'bc', kind: 'alias', alias: 'champion' });
    throwsWithCode(() => parseModelReference('models:/'), 'SLUICE_REGISTRY_INVALID_URI');
    throwsWithCode(() => parseModelReference('models:/bc'), 'SLUICE_REGISTRY_INVALID_URI');
    throwsWithCode(() => parseModelReference('models:/bc/Nonsense'), 'SLUICE_REGISTRY_INVALID_URI');
  });

  test('the model resolver fetches a registered file by alias', async () => {
    const context = await setup();
    await register(context, 'bc', OTHER_MODEL);
    const version = await register(context, 'bc', MODEL, 'champion');
    assert.equal(version.version, 2);
    const resolveModel = context.services.models(ACTOR);
    const resolved = await resolveModel('models:/bc@champion');
    assert.ok(resolved);
    assert.equal(resolved.label, 'models:/bc@champion (version 2)');
    assert.equal(resolved.version?.version, 2);
    assert.notEqual(resolved.path, MODEL);
    assert.deepEqual(readFileSync(resolved.path), readFileSync(MODEL));
    const byNumber = await resolveModel('models:/bc/2');
    assert.equal(byNumber?.label, 'models:/bc/2');

    assert.equal(await resolveModel('models:/bc@challenger', { optional: true }), undefined);
    await rejectsWithCode(resolveModel('models:/bc@challenger'), 'SLUICE_REGISTRY_ALIAS_NOT_FOUND');
  });

  test('an optional reference (a gate baseline) names nothing yet only when it is not a mistake', async () => {
    const context = await setup();
    await register(context, 'bc', MODEL, 'champion');
    const resolveModel = context.services.models(ACTOR);
    // No such model, or an alias not assigned yet: a first model.
    assert.equal(await resolveModel('models:/fraud@champion', { optional: true }), undefined);
    assert.equal(await resolveModel('models:/bc@production', { optional: true }), undefined);
    // A typo of an alias the model has, or a version number it does not have: refused, not skipped.
    await assert.rejects(resolveModel('models:/bc@champoin', { optional: true }), (error: Error & { code?: string }) => error.code === 'SLUICE_REGISTRY_ALIAS_NOT_FOUND' && /Did you mean "champion"\?/.test(error.message));
    await rejectsWithCode(resolveModel('models:/bc@Champion', { optional: true }), 'SLUICE_REGISTRY_ALIAS_NOT_FOUND');
    await rejectsWithCode(resolveModel('models:/bc/7', { optional: true }), 'SLUICE_REGISTRY_VERSION_NOT_FOUND');
    // Two edits from an alias the model has is another alias, meant and not assigned yet.
    await register(context, 'bc', MODEL, 'prod-eu');
    assert.equal(await resolveModel('models:/bc@prod-us', { optional: true }), undefined);
  });
});
