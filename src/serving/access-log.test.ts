import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

/**
 * Runs a script that logs through `accessLog` (whose lines go to stderr) and returns those lines,
 * parsed. A child process: the access log writes to file descriptor 2, as `sluice serve`'s does.
 */
function loggedLines(body: string): Record<string, unknown>[] {
  const module = fileURLToPath(new URL('./access-log.js', import.meta.url));
  const script = `import { accessLog, logRequest } from ${JSON.stringify(module)};\n${body}`;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000 });
  assert.equal(child.status, 0, child.stderr);
  return child.stderr.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('the access log', () => {
  it('writes a request line with the fields and order pino gives the same entry', () => {
    const [byHand, byPino] = loggedLines(`
      const { logger, close } = accessLog({ environment: 'production' });
      const entry = { request_id: 'r-1', method: 'POST', url: '/predict?x="1"', status: 200, ms: 1.25, model: 'bc', protocol: 'predict' };
      logRequest(logger, entry);
      logger.info(entry, 'request');
      close();`);
    assert.ok(typeof byHand!.time === 'number' && typeof byPino!.time === 'number');
    const withoutTime = (line: Record<string, unknown>) => Object.entries(line).filter(([key]) => key !== 'time');
    assert.deepEqual(withoutTime(byHand!), withoutTime(byPino!));
    assert.equal(byHand!.url, '/predict?x="1"');
  });

  it('writes every line logged before close, in order, however many', () => {
    const lines = loggedLines(`
      const { logger, close } = accessLog();
      for (let k = 0; k < 5000; k++) logRequest(logger, { request_id: 'r-' + k, method: 'POST', url: '/predict', status: 200, ms: k });
      logger.error({ request_id: 'r-5000' }, 'internal error');
      close();`);
    assert.equal(lines.length, 5001);
    assert.deepEqual(lines.map((line) => line.request_id), Array.from({ length: 5001 }, (_, k) => `r-${k}`));
    assert.equal(lines.at(-1)!.level, 50);
  });

  it('writes the batched lines of a process that exits without closing the log', () => {
    const lines = loggedLines(`
      const { logger } = accessLog();
      logRequest(logger, { request_id: 'r-1', method: 'POST', url: '/predict', status: 200, ms: 1 });
      process.exit(0);`);
    assert.deepEqual(lines.map((line) => line.request_id), ['r-1']);
  });
});
