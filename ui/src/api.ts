/** The UI's only way to the server: its public HTTP API, with the session's bearer token. */

/** The token kept for this browser tab. */
export function getToken(): string | null {
  return sessionStorage.getItem('sluice-token');
}

/** Remembers (or forgets, with null) the token for this browser tab. */
export function setToken(token: string | null): void {
  if (token) sessionStorage.setItem('sluice-token', token);
  else sessionStorage.removeItem('sluice-token');
}

/** An error reply from the API, with its HTTP status. */
export class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/** Calls the API: GET with a query string, or POST with a JSON body. */
export async function api<T>(path: string, init?: { body?: unknown; query?: Record<string, string> }): Promise<T> {
  const headers: Record<string, string> = {};
  const token = getToken();
  if (token) headers.authorization = `Bearer ${token}`;
  let url = path;
  if (init?.query) url += `?${new URLSearchParams(init.query).toString()}`;
  const options: RequestInit = { headers };
  if (init?.body !== undefined) {
    options.method = 'POST';
    headers['content-type'] = 'application/json';
    options.body = JSON.stringify(init.body);
  }
  const response = await fetch(url, options);
  const data = (await response.json().catch(() => ({}))) as { message?: string };
  if (!response.ok) throw new ApiError(response.status, data.message ?? `HTTP ${response.status}`);
  return data as T;
}

/** An MLflow run as runs/search and runs/get return it. */
export interface Run {
  info: { run_id: string; run_name?: string; status: string; start_time?: number; experiment_id: string; artifact_uri?: string };
  inputs?: { dataset_inputs?: { dataset: { name: string; digest: string } }[] };
  data: { metrics?: { key: string; value: number; step?: number }[]; params?: { key: string; value: string }[]; tags?: { key: string; value: string }[] };
}
