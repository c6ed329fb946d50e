/**
 * Errors with stable codes.
 *
 * Every error a user can meet is declared once, in its domain's `errors.ts`, through
 * {@link defineError}. The declaration fixes the code (never reused), the kind (which decides the
 * CLI exit code here and the HTTP status in `error-response.ts`) and the wording. `docs/errors.md` documents every code; a
 * test keeps the two in step.
 */

/** What sort of failure an error is; decides exit code and HTTP status. */
export type ErrorKind =
  /** The user's input (flags, YAML, files) is wrong. */
  | 'invalid_input'
  /** Something named by the user does not exist. */
  | 'not_found'
  /** The request clashes with the current state (a lock is held, a run is not active). */
  | 'conflict'
  /** Something the user asked to create exists already (a name is taken). */
  | 'already_exists'
  /** The caller did not say who they are (no or unknown token). */
  | 'unauthenticated'
  /** The caller may not do this (a reader writing). */
  | 'permission_denied'
  /** A check ran and failed: a stage command, a gate, a validation. */
  | 'check_failed'
  /** A service Sluice needs is unreachable, or a server is at its limit. */
  | 'unavailable'
  /** A request body is larger than the server accepts. */
  | 'too_large'
  /** A request body is in a format the endpoint does not read. */
  | 'unsupported_media_type'
  /** A bug or an unexpected environment failure. */
  | 'internal';

/** Exit codes by kind: 0 ok; 1 a check failed; 2 bad input or usage; 3+ internal. */
const EXIT_CODES: Readonly<Record<ErrorKind, number>> = {
  invalid_input: 2,
  not_found: 2,
  conflict: 2,
  already_exists: 2,
  unauthenticated: 2,
  permission_denied: 2,
  check_failed: 1,
  unavailable: 3,
  too_large: 2,
  unsupported_media_type: 2,
  internal: 3,
};

/** The exit code of the CLI for an error of this kind. HTTP statuses are in `error-response.ts`. */
export function exitCodeOf(kind: ErrorKind): number {
  return EXIT_CODES[kind];
}

/** A place in a user's file, 1-based, as editors show it. */
export interface SourceLocation {
  readonly file: string;
  readonly line?: number | undefined;
  readonly column?: number | undefined;
}

/** Renders a location as `file:line:col` (parts that are unknown are left out). */
export function formatLocation(location: SourceLocation): string {
  let text = location.file;
  if (location.line !== undefined) {
    text += `:${location.line}`;
    if (location.column !== undefined) text += `:${location.column}`;
  }
  return text;
}

export interface AppErrorOptions {
  readonly hint?: string | undefined;
  readonly location?: SourceLocation | undefined;
  readonly cause?: unknown;
  readonly details?: Readonly<Record<string, unknown>> | undefined;
}

/** The one error class Sluice throws on purpose. Anything else reaching the edge is a bug. */
export class AppError extends Error {
  override readonly name = 'AppError';
  readonly code: string;
  readonly kind: ErrorKind;
  /** What to do about it, in one or two sentences. */
  readonly hint: string | undefined;
  readonly location: SourceLocation | undefined;
  /** Machine-readable extras for `--json` output and HTTP bodies. */
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(code: string, kind: ErrorKind, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.kind = kind;
    this.hint = options.hint;
    this.location = options.location;
    this.details = options.details;
  }

  get exitCode(): number {
    return EXIT_CODES[this.kind];
  }

  /** One paragraph: `file:line:col: message. hint [CODE]`. */
  toUserMessage(): string {
    const where = this.location ? `${formatLocation(this.location)}: ` : '';
    const hint = this.hint ? ` ${this.hint}` : '';
    // A message that ends without a stop (one quoting another library's, or a name in quotes, say)
    // still ends its sentence before the hint; a stop inside closing quotes or brackets counts.
    const message = hint && !/[.!?]["'`)]?$/.test(this.message) ? `${this.message}.` : this.message;
    return `${where}${message}${hint} [${this.code}]`;
  }
}

/** Options a thrower may add to a catalogued error. */
export type RaiseOptions = Omit<AppErrorOptions, 'hint'> & { readonly hint?: string | undefined };

/** A catalogued error: call it with its arguments to get an {@link AppError}. */
export interface ErrorFactory<A> {
  (args: A, options?: RaiseOptions): AppError;
  readonly code: string;
  readonly kind: ErrorKind;
  /** Documentation line for `docs/errors.md`. */
  readonly description: string;
  /** Tests whether an unknown value is an error of this code. */
  is(error: unknown): error is AppError;
}

export interface ErrorDefinition<A> {
  readonly kind: ErrorKind;
  /** One sentence for the error catalogue. */
  readonly description: string;
  readonly message: (args: A) => string;
  /** What to do about it; every code has one (a test checks it says more than the message). */
  readonly hint: (args: A) => string | undefined;
}

const catalogue = new Map<string, ErrorFactory<never>>();

/**
 * Declares an error code. Codes are `SLUICE_<DOMAIN>_<WHAT>` (or `SLUICE_INTERNAL`) and must never be reused.
 *
 * @example
 * export const stageNotFound = defineError<{ name: string }>('SLUICE_PIPELINE_STAGE_NOT_FOUND', {
 *   kind: 'not_found',
 *   description: 'A stage named on the command line is not in sluice.yaml.',
 *   message: ({ name }) => `There is no stage "${name}".`,
 *   hint: () => 'Run `sluice dag` to list the stages.',
 * });
 */
/**
 * A catalogued message ends its sentence with a full stop after what it quotes (another
 * library's reason, a path): when that already ended with one (or with `:`), one stop is kept.
 */
function endSentence(message: string): string {
  return message.replace(/(?<!\.)([.!?:])\.$/, (_, last: string) => (last === ':' ? '.' : last));
}

export function defineError<A = void>(code: string, definition: ErrorDefinition<A>): ErrorFactory<A> {
  if (!/^SLUICE_[A-Z0-9]+(_[A-Z0-9]+)*$/.test(code)) throw new Error(`Malformed error code ${code}`);
  if (catalogue.has(code)) throw new Error(`Error code ${code} is declared twice`);
  const factory = (args: A, options: RaiseOptions = {}): AppError =>
    new AppError(code, definition.kind, endSentence(String(definition.message(args))), {
      ...options,
      hint: options.hint ?? definition.hint(args),
    });
  const typed = Object.assign(factory, {
    code,
    kind: definition.kind,
    description: definition.description,
    is: (error: unknown): error is AppError => error instanceof AppError && error.code === code,
  });
  catalogue.set(code, typed as ErrorFactory<never>);
  return typed;
}

/** Every error declared so far (after the domains' modules are loaded). */
export function errorCatalogue(): ReadonlyMap<string, ErrorFactory<never>> {
  return catalogue;
}

/** Narrowing helper for catch blocks. */
export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}

/** The errno code of a Node system error, if it is one. */
export function systemErrorCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') {
    return error.code;
  }
  return undefined;
}
