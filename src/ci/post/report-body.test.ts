import assert from 'node:assert/strict';
import { test } from 'node:test';
import { commentBody, isReportComment, reportWatermark, statusContext } from './report-body.js';

const FOLDERS = ['', 'ml', 'ml/models', 'ml-models', 'a--b', 'a- -b', 'x--->'];

test('each project of a repository finds only its own report comment, whatever its folder is called', () => {
  for (const folder of FOLDERS) {
    const body = commentBody('## ✅ passed', 65_536, folder);
    for (const other of FOLDERS) assert.equal(isReportComment(body, other), other === folder, `the comment of "${folder}" read as "${other}"'s`);
  }
});

test('a folder name cannot end the hidden comment the watermark is', () => {
  for (const folder of FOLDERS) {
    const watermark = reportWatermark(folder);
    assert.match(watermark, /^<!-- sluice-ci-report( \S+)? -->$/);
    assert.equal(watermark.indexOf('--', 4), watermark.length - 3, watermark);
  }
  assert.equal(reportWatermark('ml/models'), '<!-- sluice-ci-report ml/models -->');
});

test('the root project keeps sluice/gate; a folder adds its name', () => {
  assert.deepEqual([statusContext(), statusContext(''), statusContext('ml')], ['sluice/gate', 'sluice/gate', 'sluice/gate (ml)']);
});
