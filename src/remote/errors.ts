/** Errors of talking to a team's Sluice server (SLUICE_SERVER_URL, `server.url` in .sluice/config.yaml). */
import { defineError } from '../core/index.js';

export const serverUnreachable = defineError<{ url: string; reason: string }>('SLUICE_REMOTE_UNREACHABLE', {
  kind: 'unavailable',
  description: 'The team server named by SLUICE_SERVER_URL (or server.url in .sluice/config.yaml) does not answer; nothing was run or recorded.',
  message: ({ url, reason }) => `Cannot reach the Sluice server at ${url}: ${reason}. Nothing was run or recorded.`,
  hint: () =>
    'Start the server (`sluice server --store … --artifacts …`) or fix the URL in SLUICE_SERVER_URL / server.url in .sluice/config.yaml; unset both to work on this checkout\'s own database.',
});

export const invalidServerUrl = defineError<{ url: string; from: string }>('SLUICE_REMOTE_INVALID_URL', {
  kind: 'invalid_input',
  description: 'SLUICE_SERVER_URL or server.url is not an http(s) URL.',
  message: ({ url, from }) => `${from} is "${url}", which is not an http:// or https:// URL.`,
  hint: () => 'Give the address `sluice server` printed, e.g. http://tracking.example.com:5000.',
});

export const unexpectedServerAnswer = defineError<{ url: string; status: number; reason: string }>('SLUICE_REMOTE_BAD_ANSWER', {
  kind: 'unavailable',
  description: 'The server answered with something that is not Sluice\'s API (a proxy page, another program, an older Sluice).',
  message: ({ url, status, reason }) => `The server at ${url} answered ${status}, not as Sluice's API does: ${reason}.`,
  hint: () => 'Check that SLUICE_SERVER_URL points at `sluice server` (its /health answers OK) and that client and server run the same Sluice version.',
});

export const notAvailableRemotely = defineError<{ operation: string }>('SLUICE_REMOTE_UNSUPPORTED', {
  kind: 'invalid_input',
  description: 'An operation a client of a team server cannot do over its API.',
  message: ({ operation }) => `${operation} cannot be done through a team server.`,
  hint: () => 'Run it on the server\'s machine (in its home directory, or with --store naming its database).',
});
