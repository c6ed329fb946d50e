/**
 * What is posted: the report behind a hidden watermark (how the comment is found again on the
 * next run), cut to what the service accepts, and the one-line status description.
 */

import { CI_REPORT_WATERMARK } from '../report/index.js';

/** The hidden first line of the comment or note (the report's own); the next run updates the comment that starts with it. */
export const REPORT_WATERMARK = CI_REPORT_WATERMARK;

/** The commit status' name (GitHub's `context`, GitLab's `name`). */
export const STATUS_CONTEXT = 'sluice/gate';

/**
 * The status of the project in `folder` of its repository ('' at its root): `sluice/gate`, or
 * `sluice/gate (ml)`, so that each project of a monorepo has its own status and comment.
 */
export function statusContext(folder = ''): string {
  return folder === '' ? STATUS_CONTEXT : `${STATUS_CONTEXT} (${folder})`;
}

/**
 * The watermark of the project in `folder` ('' at the root): `<!-- sluice-ci-report -->`, or
 * `<!-- sluice-ci-report ml -->`. The folder is percent-encoded but for its slashes, hyphens
 * included, so that no folder name can end the HTML comment or read as another's.
 */
export function reportWatermark(folder = ''): string {
  if (folder === '') return REPORT_WATERMARK;
  const name = encodeURIComponent(folder).replaceAll('%2F', '/').replaceAll('-', '%2D');
  return REPORT_WATERMARK.replace(' -->', ` ${name} -->`);
}

/** GitHub refuses comment bodies over 65,536 characters; GitLab's notes take 1,000,000. */
export const COMMENT_LIMITS = { github: 65_536, gitlab: 1_000_000 } as const;

/** GitHub cuts a status description at 140 characters. */
export const STATUS_DESCRIPTION_LIMIT = 140;

const TRUNCATION_NOTE = '\n\n… the report is longer than a comment may be; the full report is the job\'s `sluice-report.md` artifact.\n';

/** The comment's body: the project's watermark, then the report, cut at `limit` characters with a note saying where the rest is. */
export function commentBody(markdown: string, limit: number, folder = ''): string {
  // The rendered report starts with the root's watermark: it becomes the project's. Other Markdown gets it here.
  const report = markdown.startsWith(REPORT_WATERMARK) ? markdown.slice(REPORT_WATERMARK.length).replace(/^\n/, '') : markdown;
  const body = `${reportWatermark(folder)}\n${report}`;
  if (body.length <= limit) return body;
  return body.slice(0, limit - TRUNCATION_NOTE.length) + TRUNCATION_NOTE;
}

/** Whether a comment's body is a report of the project in `folder` (it starts with its watermark, so a quote of it is not). */
export function isReportComment(body: unknown, folder = ''): boolean {
  return typeof body === 'string' && body.trimStart().startsWith(reportWatermark(folder));
}

/** The headline on one line, at most {@link STATUS_DESCRIPTION_LIMIT} characters (an ellipsis marks a cut). */
export function statusDescription(headline: string): string {
  const line = headline.replace(/\s+/g, ' ').trim();
  const chars = [...line];
  return chars.length <= STATUS_DESCRIPTION_LIMIT ? line : `${chars.slice(0, STATUS_DESCRIPTION_LIMIT - 1).join('')}…`;
}
