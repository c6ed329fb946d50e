/** URL state in the query string: the page and its arguments, with history navigation. */
import { useSyncExternalStore } from 'react';

function subscribe(callback: () => void): () => void {
  window.addEventListener('popstate', callback);
  return () => window.removeEventListener('popstate', callback);
}

/** The current query string, re-rendering on navigation. */
export function useQuery(): URLSearchParams {
  const search = useSyncExternalStore(subscribe, () => window.location.search);
  return new URLSearchParams(search);
}

/** Moves to a page, keeping its state in the URL. */
export function navigate(state: Record<string, string>): void {
  const entries = Object.entries(state).filter(([, v]) => v !== '');
  window.history.pushState(null, '', `/?${new URLSearchParams(entries).toString()}`);
  window.dispatchEvent(new PopStateEvent('popstate'));
}
