/** The command centre's data: the Hainan map's geometry, and the summary kept current by server-sent events. */
import { useCallback, useRef } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, session } from '../../api.ts';
import type { Summary, WindowName } from '../../api/wire.ts';
import { registerMap } from './EChart.tsx';
import { useLiveUpdates } from './useLiveUpdates.ts';
import hainanUrl from './geo/hainan.json?url';

export function useHainanMap() {
  return useQuery({
    queryKey: ['hainan-geo'],
    staleTime: Infinity,
    queryFn: async () => {
      const res = await fetch(hainanUrl);
      if (!res.ok) throw new Error(`map ${res.status}`);
      registerMap('hainan', await res.json());
      return true;
    },
  });
}

/**
 * The summary, read again on every `changed` message: never two reads at once, and a change that
 * arrives during a read is followed by one more read.
 */
export function useSummary(window: WindowName) {
  const client = useQueryClient();
  const q = useQuery({
    queryKey: ['command-summary', window],
    queryFn: () => api<Summary>('GET', `/api/v1/command/summary?window=${window}`),
  });
  const reading = useRef(false);
  const again = useRef(false);
  const refresh = useCallback(async () => {
    // Signed out meanwhile: the app is leaving the page; a read now would only be refused.
    if (!session.token()) return;
    if (reading.current) {
      again.current = true;
      return;
    }
    reading.current = true;
    try {
      do {
        again.current = false;
        await client.refetchQueries({ queryKey: ['command-summary'] });
      } while (again.current);
    } finally {
      reading.current = false;
    }
  }, [client]);
  const live = useLiveUpdates(refresh);
  return { q, live };
}
