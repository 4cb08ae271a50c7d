import { useState } from 'react';
import { useExplain } from '../../errors.tsx';

/** What the calculator page's forms share: one request at a time, and the last error, explained. */
export interface CalcRun {
  busy: boolean;
  error: unknown;
  /** The server's messages about one field of the last error (none when it named another). */
  messagesAt: (path: string) => string[];
  run: <T>(fn: () => Promise<T>, done: (r: T) => void) => Promise<void>;
}

export function useCalcRun(): CalcRun {
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const explained = useExplain(error);
  async function run<T>(fn: () => Promise<T>, done: (r: T) => void) {
    setBusy(true);
    setError(null);
    try {
      done(await fn());
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  return { busy, error, messagesAt: (path) => explained?.at(path) ?? [], run };
}
