import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startFakeGitlab, type FakeCiService } from '../../../test/support/fake-ci-services.js';
import { recordingFetch } from '../../../test/support/fake-api.js';
import { postCiReport, REPORT_WATERMARK } from './index.js';
import type { PostRequest } from './post-types.js';

const SHA = 'c'.repeat(40);
const FAST_RETRY = { retries: 2, minTimeoutMs: 1 };

async function withGitlab(run: (gitlab: FakeCiService) => Promise<void>): Promise<void> {
  const gitlab = await startFakeGitlab();
  try {
    await run(gitlab);
  } finally {
    await gitlab.close();
  }
}

function ciEnv(gitlab: FakeCiService, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    GITLAB_CI: 'true',
    CI_API_V4_URL: `${gitlab.api.origin}/api/v4`,
    CI_PROJECT_ID: '42',
    CI_COMMIT_SHA: SHA,
    CI_MERGE_REQUEST_IID: '3',
    CI_PIPELINE_ID: '900',
    CI_PIPELINE_URL: 'https://gitlab.example/acme/churn/-/pipelines/900',
    CI_JOB_TOKEN: 'job-token-value',
    SLUICE_GITLAB_TOKEN: 'glpat-test',
    ...extra,
  };
}

function request(env: NodeJS.ProcessEnv, overrides: Partial<PostRequest> = {}): PostRequest {
  return { provider: 'gitlab', markdown: '## ✅ passed', verdict: 'passed', headline: '✅ passed', env, retry: FAST_RETRY, ...overrides };
}

test('the first run on a merge request adds one watermarked note and sets sluice/gate, with the access token', async () => {
  await withGitlab(async (gitlab) => {
    const outcome = await postCiReport(request(ciEnv(gitlab)));
    assert.equal(outcome.comment?.action, 'created');
    assert.deepEqual(gitlab.comments.get(3)!.map((note) => note.body), [`${REPORT_WATERMARK}\n## ✅ passed`]);
    assert.deepEqual(gitlab.statuses, [
      { sha: SHA, body: { state: 'success', name: 'sluice/gate', description: '✅ passed', target_url: 'https://gitlab.example/acme/churn/-/pipelines/900', pipeline_id: 900 } },
    ]);
    assert.deepEqual(gitlab.api.requests.map((sent) => `${sent.method} ${sent.path}`), [
      'GET /api/v4/projects/42/merge_requests/3/notes?per_page=100&page=1&sort=asc&order_by=created_at',
      'POST /api/v4/projects/42/merge_requests/3/notes',
      `POST /api/v4/projects/42/statuses/${SHA}`,
    ]);
    for (const sent of gitlab.api.requests) {
      assert.equal(sent.headers['private-token'], 'glpat-test');
      assert.equal(sent.headers['job-token'], undefined);
    }
  });
});

test('a second run updates the same note, and a blocked verdict sets the status to failed', async () => {
  await withGitlab(async (gitlab) => {
    const first = await postCiReport(request(ciEnv(gitlab)));
    const second = await postCiReport(request(ciEnv(gitlab), { markdown: '## ❌ blocked', verdict: 'blocked', headline: '❌ blocked' }));
    assert.equal(second.comment?.action, 'updated');
    assert.equal(second.comment?.id, first.comment?.id);
    assert.equal(gitlab.comments.get(3)!.length, 1);
    assert.equal(gitlab.api.requests.at(-2)!.method, 'PUT');
    assert.equal(gitlab.api.requests.at(-2)!.path, `/api/v4/projects/42/merge_requests/3/notes/${first.comment!.id}`);
    assert.deepEqual(gitlab.statuses.map((status) => status.body.state), ['success', 'failed']);
  });
});

test('a project in ml/ of the repository keeps its own note and status beside the root project\'s', async () => {
  await withGitlab(async (gitlab) => {
    await postCiReport(request(ciEnv(gitlab)));
    await postCiReport(request(ciEnv(gitlab), { folder: 'ml', markdown: '## ❌ blocked', verdict: 'blocked', headline: '❌ blocked' }));
    const again = await postCiReport(request(ciEnv(gitlab), { folder: 'ml' }));
    assert.equal(again.comment?.action, 'updated');
    assert.deepEqual(gitlab.comments.get(3)!.map((note) => note.body), [`${REPORT_WATERMARK}\n## ✅ passed`, '<!-- sluice-ci-report ml -->\n## ✅ passed']);
    assert.deepEqual(gitlab.statuses.map((status) => `${status.body.name} ${status.body.state}`), ['sluice/gate success', 'sluice/gate (ml) failed', 'sluice/gate (ml) success']);
  });
});

test('the earlier note is found on a later page (X-Next-Page), and system notes are never taken for it', async () => {
  await withGitlab(async (gitlab) => {
    const notes = Array.from({ length: 120 }, (_, index) => ({ id: index + 1, body: `thread ${index}`, system: false }));
    gitlab.comments.set(3, [{ id: 200, body: `${REPORT_WATERMARK}\nmentioned in a system note`, system: true }, ...notes, { id: 300, body: `${REPORT_WATERMARK}\nold`, system: false }]);
    const outcome = await postCiReport(request(ciEnv(gitlab)));
    assert.equal(outcome.comment?.id, 300);
    assert.deepEqual(gitlab.api.requests.slice(0, 3).map((sent) => `${sent.method} ${sent.path}`), [
      'GET /api/v4/projects/42/merge_requests/3/notes?per_page=100&page=1&sort=asc&order_by=created_at',
      'GET /api/v4/projects/42/merge_requests/3/notes?per_page=100&page=2&sort=asc&order_by=created_at',
      'PUT /api/v4/projects/42/merge_requests/3/notes/300',
    ]);
  });
});

test('with only CI_JOB_TOKEN the note is sent with the JOB-TOKEN header and no status is attempted', async () => {
  await withGitlab(async (gitlab) => {
    const outcome = await postCiReport(request(ciEnv(gitlab, { SLUICE_GITLAB_TOKEN: undefined })));
    assert.equal(outcome.status, undefined);
    assert.match(outcome.notes.join(' '), /CI_JOB_TOKEN cannot set commit statuses/);
    assert.deepEqual(gitlab.api.requests.map((sent) => sent.method), ['GET', 'POST']);
    for (const sent of gitlab.api.requests) assert.equal(sent.headers['job-token'], 'job-token-value');
  });
});

test('a job token GitLab refuses gets an error saying which token to use instead', async () => {
  await withGitlab(async (gitlab) => {
    gitlab.forbid('GET', /\/notes/);
    await assert.rejects(postCiReport(request(ciEnv(gitlab, { SLUICE_GITLAB_TOKEN: undefined }))), (error: Error & { code?: string; hint?: string }) => {
      assert.equal(error.code, 'SLUICE_CI_POST_PERMISSION_DENIED');
      assert.match(error.message, /GitLab refused to list the notes of merge request !3 \(HTTP 403\): the token lacks the `api` scope/);
      assert.match(error.hint ?? '', /SLUICE_GITLAB_TOKEN/);
      return true;
    });
  });
});

test('a branch pipeline (no merge request) sets only the status', async () => {
  await withGitlab(async (gitlab) => {
    const outcome = await postCiReport(request(ciEnv(gitlab, { CI_MERGE_REQUEST_IID: undefined })));
    assert.equal(outcome.comment, undefined);
    assert.deepEqual(gitlab.api.requests.map((sent) => `${sent.method} ${sent.path}`), [`POST /api/v4/projects/42/statuses/${SHA}`]);
  });
});

test('without any token nothing is sent', async () => {
  await withGitlab(async (gitlab) => {
    const recorder = recordingFetch();
    const outcome = await postCiReport(request(ciEnv(gitlab, { SLUICE_GITLAB_TOKEN: undefined, CI_JOB_TOKEN: undefined }), { provider: 'auto', fetch: recorder.fetch }));
    assert.equal(outcome.provider, 'gitlab');
    assert.equal(outcome.sent, false);
    assert.match(outcome.notes[0]!, /No GitLab token/);
    assert.equal(recorder.urls.length, 0);
    assert.equal(gitlab.api.requests.length, 0);
  });
});

test('a 5xx is retried and the note is then written once, every request staying on the API\'s loopback address', async () => {
  await withGitlab(async (gitlab) => {
    gitlab.failNext(1, 500);
    const recorder = recordingFetch();
    const outcome = await postCiReport(request(ciEnv(gitlab), { fetch: recorder.fetch }));
    assert.equal(outcome.comment?.action, 'created');
    assert.equal(gitlab.comments.get(3)!.length, 1);
    assert.equal(recorder.urls.length, 4);
    for (const url of recorder.urls) assert.equal(url.origin, gitlab.api.origin);
  });
});
