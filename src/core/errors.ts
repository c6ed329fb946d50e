/** Errors of the core helpers: reading the user's files. */
import { defineError } from './app-error.js';

export const yamlSyntax = defineError<{ file: string; reason: string }>('SLUICE_CORE_YAML_SYNTAX', {
  kind: 'invalid_input',
  description: 'A YAML file (sluice.yaml, params, lock, config) is not valid YAML.',
  message: ({ reason }) => `Not valid YAML: ${reason}.`,
  hint: () =>
    'Fix the syntax at the position shown: indentation, a missing colon or an unclosed quote are the usual causes, ' +
    'and a value containing ${...} inside [ ] or { } must be quoted.',
});

export const gitFailed = defineError<{ command: string; reason: string }>('SLUICE_CORE_GIT_FAILED', {
  kind: 'invalid_input',
  description: 'A git command Sluice needs (to read an earlier revision) failed.',
  message: ({ command, reason }) => `\`${command}\` failed: ${reason}.`,
  hint: () => 'Check that the directory is a git repository and that the revision exists (`git log --oneline`).',
});

export const internalError = defineError<{ requestId: string }>('SLUICE_INTERNAL', {
  kind: 'internal',
  description: 'A server met an error it did not expect: a bug, or a failure of its environment. The client gets the request id only; the server log has the details.',
  message: ({ requestId }) => `Internal error (request ${requestId}); the server log has the details.`,
  hint: ({ requestId }) => `Find request ${requestId} in the server's log and report it with the request that caused it.`,
});

export const requestBodyTooLarge = defineError<{ limit: number | undefined }>('SLUICE_HTTP_BODY_TOO_LARGE', {
  kind: 'too_large',
  description: 'A request body is larger than the server accepts.',
  message: ({ limit }) => `The request body is larger than the server accepts${limit === undefined ? '' : ` (${limit} bytes)`}.`,
  hint: () => 'Split the rows over several requests, or start the server with a larger body limit.',
});

export const unsupportedContentType = defineError<{ given: string; accepted: string }>('SLUICE_HTTP_UNSUPPORTED_MEDIA_TYPE', {
  kind: 'unsupported_media_type',
  description: 'A request body came with a Content-Type the endpoint does not read.',
  message: ({ given }) => `Unsupported content type "${given}".`,
  hint: ({ accepted }) => `Send ${accepted}.`,
});

export const requestNotReadable = defineError<{ reason: string }>('SLUICE_HTTP_NOT_READABLE', {
  kind: 'invalid_input',
  description: 'A request could not be read: malformed JSON, a body that does not match its Content-Length, a bad header.',
  message: ({ reason }) => `The request could not be read: ${reason}.`,
  hint: () => 'Send a well-formed JSON body with a correct Content-Type and Content-Length.',
});

export const invalidDocument = defineError<{ problem: string }>('SLUICE_CORE_INVALID_FILE', {
  kind: 'invalid_input',
  description: 'A user file (sluice.yaml, params, config, lock) does not match its schema.',
  message: ({ problem }) => problem,
  hint: () => 'Fix it at the position shown; the README lists every field of sluice.yaml.',
});

export const portUnavailable = defineError<{ host: string; port: number; reason: 'in_use' | 'forbidden' | 'no_address' }>('SLUICE_HTTP_PORT_UNAVAILABLE', {
  kind: 'invalid_input',
  description: 'A server (`sluice serve`, `sluice server`) cannot listen on the address it was given: the port is taken by another program, needs privileges, or the host is not an address of this machine.',
  message: ({ host, port, reason }) =>
    reason === 'in_use'
      ? `Cannot listen: port ${port} on ${host} is already in use by another program.`
      : reason === 'forbidden'
        ? `Cannot listen: port ${port} on ${host} needs privileges this process does not have.`
        : `Cannot listen on ${host}:${port}: ${host} is not an address of this machine.`,
  hint: ({ port, reason }) =>
    reason === 'no_address'
      ? 'Choose one of this machine\'s addresses with --host (127.0.0.1 for this machine only, 0.0.0.0 for every interface).'
      : `Choose another port with --port N (--port 0 picks a free one and prints it)${reason === 'in_use' ? `; \`ss -ltnp 'sport = :${port}'\` shows which program holds ${port}` : ', or a port above 1023'}.`,
});

export const fileNotWritable = defineError<{ path: string; reason: string }>('SLUICE_CORE_FILE_NOT_WRITABLE', {
  kind: 'invalid_input',
  description: 'A file Sluice was asked to write (a report, metrics, a model, a schema, its own state) cannot be written at that path.',
  message: ({ path, reason }) => `Cannot write ${path}: ${reason}.`,
  hint: () => 'Choose a path in a writable directory. Missing folders on the way are created, but none of them may be an existing file, and the path itself may not be a directory.',
});

export const fileNotReadable = defineError<{ path: string; reason: string }>('SLUICE_CORE_FILE_NOT_READABLE', {
  kind: 'invalid_input',
  description: 'A file Sluice reads by its fixed name (sluice.yaml, sluice.lock) is there but cannot be read as a file.',
  message: ({ path, reason }) => `Cannot read ${path}: ${reason}.`,
  hint: () => 'Make it a readable file: restore it with `git checkout`, or move away what stands at its name.',
});
