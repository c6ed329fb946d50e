// Preloaded into every test file by run-tests.mjs (`--import`): gives every test and hook a
// default timeout, so a test that hangs fails by its own name and its `t.after`/`after` hooks
// still run (stopping the processes it started). Node 20's `--test-timeout` only bounds each
// test *file* as a whole, and silently; this bounds each test. An explicit `{ timeout }` wins.
import { createRequire, syncBuiltinESMExports } from 'node:module';

const TEST_TIMEOUT_MS = Number(process.env.SLUICE_TEST_TIMEOUT_MS ?? 180_000);

const nodeTest = createRequire(import.meta.url)('node:test');

/** test(name?, options?, fn?) and it(...), with `timeout` defaulted; .skip/.todo/.only too. */
function withDefaultTimeout(original) {
  const wrapped = function (name, options, fn) {
    if (typeof name === 'function' || (typeof name === 'object' && name !== null)) [name, options, fn] = [undefined, name, options];
    if (typeof options === 'function') [options, fn] = [undefined, options];
    return original.call(this, name, { timeout: TEST_TIMEOUT_MS, ...options }, fn);
  };
  for (const flag of ['skip', 'todo', 'only']) {
    wrapped[flag] = function (name, options, fn) {
      if (typeof name === 'function' || (typeof name === 'object' && name !== null)) [name, options, fn] = [undefined, name, options];
      if (typeof options === 'function') [options, fn] = [undefined, options];
      return wrapped.call(this, name, { ...options, [flag]: true }, fn);
    };
  }
  return wrapped;
}

/** before(fn, options?) and the other hooks, with `timeout` defaulted. */
function hookWithDefaultTimeout(original) {
  return function (fn, options) {
    return original.call(this, fn, { timeout: TEST_TIMEOUT_MS, ...options });
  };
}

nodeTest.test = withDefaultTimeout(nodeTest.test);
nodeTest.it = withDefaultTimeout(nodeTest.it);
for (const hook of ['before', 'after', 'beforeEach', 'afterEach']) nodeTest[hook] = hookWithDefaultTimeout(nodeTest[hook]);
// `import { test } from 'node:test'` sees the wrapped functions.
syncBuiltinESMExports();

// A file whose tests have all finished must also end. Left to itself, a process held open by
// something a test forgot (a server, a timer, a worker thread) is only stopped by the file's
// 10-minute timeout, as "cancelled" and with no clue. Once its last test and hook are done it
// gets a minute; still running then, it fails, naming what holds it.
const LINGER_MS = Number(process.env.SLUICE_TEST_LINGER_MS ?? 60_000);
nodeTest.after(() => {
  const finishedAt = Date.now();
  const timer = setTimeout(() => {
    process.stderr.write(`every test in this file finished ${LINGER_MS / 1000} s ago, but the process is still running, held by: ${JSON.stringify(process.getActiveResourcesInfo())}\n`);
    process.exit(1);
  }, LINGER_MS);
  timer.unref();
  // Slow to exit with nothing left to hold it (Node's own teardown, worker threads ending): said, for the log.
  process.once('exit', () => {
    const seconds = (Date.now() - finishedAt) / 1000;
    if (seconds > 10) process.stderr.write(`this file's process reached exit ${seconds.toFixed(1)} s after its last test\n`);
  });
}, { timeout: TEST_TIMEOUT_MS });
