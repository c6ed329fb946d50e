import { useEffect, useState } from 'react';
import { api } from './api';

/** Whether this tab's token may change things (promote, roll back), and if not, why: the one rule every page's buttons follow. */
export interface WriteAccess {
  canWrite: boolean;
  /** Why a write button is disabled, for its title; undefined when it is not. */
  why: string | undefined;
}

const CHECKING: WriteAccess = { canWrite: false, why: 'checking what your token may do…' };

/**
 * Asks the server who this token acts as. Write buttons stay disabled until it answers: enabling them first
 * would offer a reader an action the server then refuses.
 */
export function useWriteAccess(): WriteAccess {
  const [access, setAccess] = useState<WriteAccess>(CHECKING);
  useEffect(() => {
    let live = true;
    api<{ role: string }>('/api/sluice/v1/whoami').then(
      (reply) => {
        if (!live) return;
        const canWrite = reply.role === 'editor' || reply.role === 'admin';
        setAccess({ canWrite, why: canWrite ? undefined : `your token is a ${reply.role}'s: this needs an editor or admin token` });
      },
      () => live && setAccess({ canWrite: false, why: 'your token\'s role could not be checked: reload the page' }),
    );
    return () => {
      live = false;
    };
  }, []);
  return access;
}
