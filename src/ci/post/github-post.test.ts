import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startFakeGithub, type FakeCiService } from '../../../test/support/fake-ci-services.js';
import { recordingFetch } from '../../../test/support/fake-api.js';
import { makeTempDir } from '../../../test/support/temp-dir.js';
import { postCiReport, postFromEnvironment, REPORT_WATERMARK } from './index.js';
import type { PostRequest } from './post-types.js';

const HEAD = 'a'.repeat(40);
const MERGE = 'b'.repeat(40);
const FAST_RETRY = { retries: 2, minTimeoutMs: 1 };
const temp = makeTempDir('sluice-post-github-');
const pullEvent = join(temp.path, 'pull.json');
const pushEvent = join(temp.path, 'push.json');
after(() => temp.remove());
before(() => {
  writeFileSync(pullEvent, JSON.stringify({ action: 'synchronize', pull_request: { number: 7, head: { sha: HEAD } } }));
  writeFileSync(pushEvent, JSON.stringify({ ref: 'refs/heads/main', after: MERGE }));
});

async function withGithub(run: (github: FakeCiService) => Promise<void>): Promise<void> {
  const github = await startFakeGithub();
  try {
    await run(github);
  } finally {
    await github.close();
  }
}

function actionsEnv(github: FakeCiService, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    GITHUB_ACTIONS: 'true',
    GITHUB_API_URL: github.api.origin,
    GITHUB_REPOSITORY: 'acme/churn',
    GITHUB_SHA: MERGE,
    GITHUB_EVENT_PATH: pullEvent,
    GITHUB_TOKEN: 'ghs_test',
    ...extra,
  };
}

function request(env: NodeJS.ProcessEnv, overrides: Partial<PostRequest> = {}): PostRequest {
  return { provider: 'github', markdown: '## ✅ passed\n\nall rules hold', verdict: 'passed', headline: '✅ passed: 3 of 3 rules hold', env, retry: FAST_RETRY, ...overrides };
}

test('the first run on a pull request creates one watermarked comment and sets sluice/gate on the head commit', async () => {
  await withGithub(async (github) => {
    const outcome = await postCiReport(request(actionsEnv(github)));
    assert.equal(outcome.comment?.action, 'created');
    const comments = github.comments.get(7)!;
    assert.equal(comments.length, 1);
    assert.equal(comments[0]!.body, `${REPORT_WATERMARK}\n## ✅ passed\n\nall rules hold`);
    assert.deepEqual(github.statuses, [{ sha: HEAD, body: { state: 'success', context: 'sluice/gate', description: '✅ passed: 3 of 3 rules hold' } }]);
    assert.deepEqual(github.api.requests.map((sent) => `${sent.method} ${sent.path}`), [
      'GET /repos/acme/churn/issues/7/comments?per_page=100',
      'POST /repos/acme/churn/issues/7/comments',
      `POST /repos/acme/churn/statuses/${HEAD}`,
    ]);
    for (const sent of github.api.requests) {
      assert.equal(sent.headers.authorization, 'Bearer ghs_test');
      assert.equal(sent.headers.accept, 'application/vnd.github+json');
      assert.equal(sent.headers['x-github-api-version'], '2022-11-28');
    }
  });
});

test('a second run updates the same comment instead of adding another, and the status follows the new verdict', async () => {
  await withGithub(async (github) => {
    const first = await postCiReport(request(actionsEnv(github)));
    const second = await postCiReport(request(actionsEnv(github), { markdown: '## ❌ blocked', verdict: 'blocked', headline: '❌ blocked: f1 fell' }));
    assert.equal(second.comment?.action, 'updated');
    assert.equal(second.comment?.id, first.comment?.id);
    assert.deepEqual(github.comments.get(7)!.map((comment) => comment.body), [`${REPORT_WATERMARK}\n## ❌ blocked`]);
    assert.equal(github.api.requests.at(-2)!.method, 'PATCH');
    assert.equal(github.api.requests.at(-2)!.path, `/repos/acme/churn/issues/comments/${first.comment!.id}`);
    assert.deepEqual(github.statuses.map((status) => status.body.state), ['success', 'failure']);
  });
});

test('two projects of a monorepo (the root and ml/) keep a comment and a status each on the same pull request', async () => {
  await withGithub(async (github) => {
    await postCiReport(request(actionsEnv(github)));
    await postCiReport(request(actionsEnv(github), { folder: 'ml', markdown: '## ❌ blocked', verdict: 'blocked', headline: '❌ blocked' }));
    const again = await postCiReport(request(actionsEnv(github), { folder: 'ml', markdown: '## ✅ passed now' }));
    assert.equal(again.comment?.action, 'updated');
    assert.deepEqual(github.comments.get(7)!.map((comment) => comment.body), [
      `${REPORT_WATERMARK}\n## ✅ passed\n\nall rules hold`,
      '<!-- sluice-ci-report ml -->\n## ✅ passed now',
    ]);
    assert.deepEqual(github.statuses.map((status) => `${status.body.context} ${status.body.state}`), ['sluice/gate success', 'sluice/gate (ml) failure', 'sluice/gate (ml) success']);
  });
});

test('the earlier report is found on a later page of the comments, by following the Link header', async () => {
  await withGithub(async (github) => {
    const others = Array.from({ length: 150 }, (_, index) => ({ id: index + 1, body: `review ${index}` }));
    others.push({ id: 500, body: `${REPORT_WATERMARK}\nold report` });
    github.comments.set(7, [...others, { id: 501, body: `> ${REPORT_WATERMARK}\n> quoted by a reviewer` }]);
    const outcome = await postCiReport(request(actionsEnv(github)));
    assert.deepEqual(outcome.comment && { action: outcome.comment.action, id: outcome.comment.id }, { action: 'updated', id: 500 });
    assert.deepEqual(github.api.requests.map((sent) => `${sent.method} ${sent.path}`).slice(0, 3), [
      'GET /repos/acme/churn/issues/7/comments?per_page=100',
      'GET /repos/acme/churn/issues/7/comments?per_page=100&page=2',
      'PATCH /repos/acme/churn/issues/comments/500',
    ]);
    assert.equal(github.comments.get(7)!.length, 152);
  });
});

test('a push event sets only the commit status, on GITHUB_SHA, and says no comment was written', async () => {
  await withGithub(async (github) => {
    const outcome = await postCiReport(request(actionsEnv(github, { GITHUB_EVENT_PATH: pushEvent })));
    assert.equal(outcome.comment, undefined);
    assert.match(outcome.notes.join(' '), /not a pull request/);
    assert.deepEqual(github.api.requests.map((sent) => `${sent.method} ${sent.path}`), [`POST /repos/acme/churn/statuses/${MERGE}`]);
  });
});

test('without a token nothing is sent, and the outcome says why', async () => {
  await withGithub(async (github) => {
    const recorder = recordingFetch();
    const outcome = await postCiReport(request(actionsEnv(github, { GITHUB_TOKEN: undefined }), { fetch: recorder.fetch }));
    assert.deepEqual(outcome, { provider: 'github', sent: false, notes: [outcome.notes[0]] });
    assert.match(outcome.notes[0]!, /No GitHub token/);
    assert.equal(recorder.urls.length, 0);
    assert.equal(github.api.requests.length, 0);
  });
});

test('every request goes to the API address of the environment, on loopback', async () => {
  await withGithub(async (github) => {
    const recorder = recordingFetch();
    await postCiReport(request(actionsEnv(github), { fetch: recorder.fetch }));
    await postCiReport(request(actionsEnv(github), { fetch: recorder.fetch }));
    assert.equal(recorder.urls.length, 6);
    for (const url of recorder.urls) assert.equal(url.origin, github.api.origin);
  });
});

test('a token that may not comment gets an error naming the `pull-requests: write` permission', async () => {
  await withGithub(async (github) => {
    github.forbid('POST', /\/issues\/7\/comments$/);
    await assert.rejects(postCiReport(request(actionsEnv(github))), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'SLUICE_CI_POST_PERMISSION_DENIED');
      assert.match(error.message, /GitHub refused to comment on pull request #7 \(HTTP 403\): the token lacks `pull-requests: write`/);
      return true;
    });
  });
});

test('a token that may not set statuses gets an error naming the `statuses: write` permission', async () => {
  await withGithub(async (github) => {
    github.forbid('POST', /\/statuses\//);
    await assert.rejects(postCiReport(request(actionsEnv(github))), /the token lacks `statuses: write`/);
  });
});

test('server errors are retried with back-off, and the posting then succeeds', async () => {
  await withGithub(async (github) => {
    github.failNext(2, 502);
    const outcome = await postCiReport(request(actionsEnv(github)));
    assert.equal(outcome.comment?.action, 'created');
    assert.equal(github.comments.get(7)!.length, 1);
    assert.deepEqual(github.api.requests.slice(0, 3).map((sent) => sent.path), Array(3).fill('/repos/acme/churn/issues/7/comments?per_page=100'));
  });
});

test('a service that keeps failing is reported after the bounded retries, naming what could not be done', async () => {
  await withGithub(async (github) => {
    github.failNext(100, 503);
    await assert.rejects(postCiReport(request(actionsEnv(github))), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'SLUICE_CI_POST_UNAVAILABLE');
      assert.match(error.message, /list the comments of pull request #7 on GitHub after 3 attempts: the last answer was HTTP 503/);
      return true;
    });
    assert.equal(github.api.requests.length, 3);
  });
});

test('the status description is the headline on one line, cut to GitHub\'s 140 characters', async () => {
  await withGithub(async (github) => {
    const headline = `❌ blocked: ${'accuracy fell below the champion '.repeat(8)}`;
    await postCiReport(request(actionsEnv(github), { verdict: 'blocked', headline }));
    const description = github.statuses[0]!.body.description as string;
    assert.equal([...description].length, 140);
    assert.ok(description.endsWith('…'));
  });
});

test('auto posts to GitHub inside GitHub Actions, and nowhere (with a note) outside any CI service', async () => {
  await withGithub(async (github) => {
    const inside = await postCiReport(request(actionsEnv(github), { provider: 'auto' }));
    assert.equal(inside.provider, 'github');
    const recorder = recordingFetch();
    const outside = await postCiReport(request({ GITHUB_TOKEN: 'ghs_test' }, { provider: 'auto', fetch: recorder.fetch }));
    assert.equal(outside.provider, 'none');
    assert.match(outside.notes[0]!, /not posted/);
    assert.equal(recorder.urls.length, 0);
  });
});

test('a missing GITHUB_REPOSITORY is a configuration error naming the variable', async () => {
  await assert.rejects(
    postCiReport(request({ GITHUB_TOKEN: 'ghs_test', GITHUB_SHA: MERGE, GITHUB_API_URL: 'http://127.0.0.1:9' })),
    (error: Error & { code?: string }) => error.code === 'SLUICE_CI_POST_ENVIRONMENT_INVALID' && /GITHUB_REPOSITORY is not set/.test(error.message),
  );
});

test('postFromEnvironment turns a refused posting into a warning line instead of an error', async () => {
  await withGithub(async (github) => {
    github.forbid('POST', /\/statuses\//);
    const posted = await postFromEnvironment({ provider: 'github', result: { verdict: 'passed', headline: 'ok' }, markdown: 'ok', env: actionsEnv(github), retry: FAST_RETRY });
    assert.equal(posted.error?.code, 'SLUICE_CI_POST_PERMISSION_DENIED');
    assert.equal(posted.lines.length, 1);
    assert.match(posted.lines[0]!, /^warning: the report was not posted: GitHub refused .*statuses: write/);
  });
});

test('an API address where nothing listens is named in the error with the socket\'s reason', async () => {
  const github = await startFakeGithub();
  const origin = github.api.origin;
  await github.close(); // nothing listens there now
  await assert.rejects(postCiReport(request(actionsEnv(github, { GITHUB_API_URL: origin }))), (error: Error & { code?: string }) => {
    assert.equal(error.code, 'SLUICE_CI_POST_UNAVAILABLE');
    assert.match(error.message, new RegExp(`${origin.replaceAll('.', '\\.')} did not answer \\(ECONNREFUSED\\)`));
    return true;
  });
});
