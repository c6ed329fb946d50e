import { useEffect, useState } from 'react';
import { api, ApiError } from './api';

/** Whether this tab's token may change things (promote, roll back), and if not, why: the one rule every page's buttons follow. */
export interface WriteAccess {
  canWrite: boolean;
  /** Why a write button is disabled, for its title; undefined when it is not. */
  why: string | undefined;
}

/** How long after a failed check it is asked again. */
const RETRY_MS = 2_000;

const CHECKING: WriteAccess = { canWrite: false, why: 'checking what your token may do…' };

/**
 * Asks the server who this token acts as. Write buttons stay disabled until it answers: enabling them first
 * would offer a reader an action the server then refuses.
 */
export function useWriteAccess(): WriteAccess {
  const [access, setAccess] = useState<WriteAccess>(CHECKING);
  useEffect(() => {
    let live = true;
    let retry: ReturnType<typeof setTimeout> | undefined;
    const ask = () => {
      api<{ role: string }>('/api/sluice/v1/whoami').then(
        (reply) => {
          if (!live) return;
          const canWrite = reply.role === 'editor' || reply.role === 'admin';
          setAccess({ canWrite, why: canWrite ? undefined : `your token is a ${reply.role}'s: this needs an editor or admin token` });
        },
        (error: unknown) => {
          if (!live) return;
          if (error instanceof ApiError && error.status === 401) {
            setAccess({ canWrite: false, why: 'the server refused your token: sign in with a valid one' });
            return;
          }
          // A server that is restarting answers again shortly: asked again until it does.
          setAccess({ canWrite: false, why: 'your token\'s role could not be checked yet' });
          retry = setTimeout(ask, RETRY_MS);
        },
      );
    };
    ask();
    return () => {
      live = false;
      clearTimeout(retry);
    };
  }, []);
  return access;
}
