import { useEffect, useRef, useState } from 'react';
import { session } from '../../api.ts';

export type LiveState = 'connecting' | 'live' | 'offline';

/**
 * Server-sent events from GET /api/v1/command/stream, read with fetch so the bearer token travels in
 * its header (EventSource cannot send one, and a token in the URL would end up in logs). Calls
 * `onChanged` on every `changed` message; reconnects after 3 s when the stream drops.
 */
export function useLiveUpdates(onChanged: () => void): LiveState {
  const [state, setState] = useState<LiveState>('connecting');
  const changed = useRef(onChanged);
  changed.current = onChanged;

  useEffect(() => {
    const abort = new AbortController();
    let retry: ReturnType<typeof setTimeout> | undefined;
    let connections = 0;

    const connect = async () => {
      // Signed out meanwhile: nothing to listen with (the app returns to the login page).
      const token = session.token();
      if (!token) return setState('offline');
      try {
        const res = await fetch('/api/v1/command/stream', {
          headers: { accept: 'text/event-stream', authorization: `Bearer ${token}` },
          signal: abort.signal,
        });
        if (res.status === 401 || res.status === 403) return setState('offline');
        if (!res.ok || !res.body) throw new Error(`stream ${res.status}`);
        setState('live');
        // Back after a drop: what changed meanwhile was not heard, so read the summary again.
        if (connections++ > 0) changed.current();
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const message = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            if (/^event: changed$/m.test(message)) changed.current();
          }
        }
      } catch {
        if (abort.signal.aborted) return;
      }
      if (abort.signal.aborted) return;
      setState('offline');
      retry = setTimeout(connect, 3000);
    };
    void connect();
    return () => {
      abort.abort();
      if (retry) clearTimeout(retry);
    };
  }, []);
  return state;
}
