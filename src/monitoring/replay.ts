/**
 * `sluice monitor replay`: streams a data set through a running environment, row by row as
 * `/predict` requests at a chosen rate, and posts each row's label from a column as feedback, to
 * try a monitor before going live (or to rehearse an incident). A client of the server's public
 * HTTP API, like any other.
 */
import { readTable, type Table } from '../data/index.js';
import { replayFailed } from './errors.js';

export interface ReplayOptions {
  /** The environment's base URL, e.g. http://127.0.0.1:8080. */
  readonly url: string;
  readonly data: string;
  /** Rows per second at most (default: as fast as the server answers, 8 requests in flight). */
  readonly rate?: number | undefined;
  /** The column holding each row's label, posted as feedback and not sent as a feature. */
  readonly labels?: string | undefined;
  /** Requests in flight at once. */
  readonly concurrency?: number;
}

export interface ReplayReport {
  readonly rows: number;
  readonly answered: number;
  readonly labelled: number;
  readonly seconds: number;
}

function cell(column: Table['columns'][number], row: number): unknown {
  const value = column.values[row];
  if (column.kind === 'number') return Number.isNaN(value as number) ? null : value;
  return value ?? null;
}

async function postJson(url: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  let response: Response;
  try {
    response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(30_000) });
  } catch (error) {
    // Nothing listening, a reset, a timeout: what happened, in the words of the failure (fetch says only "fetch failed").
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw replayFailed({ problem: `nothing answered at ${url} (${cause?.code ?? cause?.message ?? (error as Error).message})` }, { cause: error });
  }
  return { status: response.status, body: (await response.json().catch(() => ({}))) as Record<string, unknown> };
}

export async function replayData(options: ReplayOptions): Promise<ReplayReport> {
  const table = await readTable(options.data);
  const labelColumn = options.labels === undefined ? undefined : table.columns.find((column) => column.name === options.labels);
  if (options.labels !== undefined && !labelColumn) throw replayFailed({ problem: `${options.data} has no column "${options.labels}" (its columns: ${table.columns.map((column) => column.name).join(', ')})` });
  const features = table.columns.filter((column) => column !== labelColumn);
  const started = Date.now();
  const interval = options.rate ? 1000 / options.rate : 0;
  const feedback: { request_id: string; label: unknown }[] = [];
  let answered = 0;
  let next = 0;
  const worker = async () => {
    for (;;) {
      const row = next++;
      if (row >= table.rowCount) return;
      const due = started + row * interval;
      if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
      const record = Object.fromEntries(features.map((column) => [column.name, cell(column, row)]));
      const answer = await postJson(`${options.url}/predict`, { rows: [record] });
      if (answer.status !== 200) throw replayFailed({ problem: `row ${row + 1} was answered ${answer.status}: ${JSON.stringify(answer.body).slice(0, 300)}` });
      answered++;
      if (labelColumn) {
        const label = cell(labelColumn, row);
        if (label !== null) feedback.push({ request_id: String(answer.body.request_id), label });
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 8 }, worker));
  for (let start = 0; start < feedback.length; start += 1000) {
    const posted = await postJson(`${options.url}/feedback`, { feedback: feedback.slice(start, start + 1000) });
    if (posted.status !== 200) throw replayFailed({ problem: `the feedback was answered ${posted.status}: ${JSON.stringify(posted.body).slice(0, 300)}` });
  }
  return { rows: table.rowCount, answered, labelled: feedback.length, seconds: (Date.now() - started) / 1000 };
}
