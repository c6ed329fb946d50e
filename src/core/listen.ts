/**
 * Why a server could not listen, in the user's terms: a port in use (EADDRINUSE), a privileged
 * port (EACCES) or a host that is not this machine's (EADDRNOTAVAIL) becomes a catalogued error
 * with a fix; anything else is returned unchanged (a bug or an unexpected environment).
 */
import { systemErrorCode } from './app-error.js';
import { portUnavailable } from './errors.js';

const REASONS: Readonly<Record<string, 'in_use' | 'forbidden' | 'no_address'>> = {
  EADDRINUSE: 'in_use',
  EACCES: 'forbidden',
  EPERM: 'forbidden',
  EADDRNOTAVAIL: 'no_address',
};

/** The error to throw when listening on `host:port` failed with `error`. */
export function listenError(error: unknown, host: string, port: number): unknown {
  const reason = REASONS[systemErrorCode(error) ?? ''];
  return reason ? portUnavailable({ host, port, reason }, { cause: error }) : error;
}
