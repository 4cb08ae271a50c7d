/**
 * What the signed-in role may do, from the server's own access table (GET /api/v1/auth/me/permissions):
 * a button shows only when its request would be allowed, and no role list is copied here.
 */
import { createContext, useCallback, useContext, type ReactNode } from 'react';
import { useQuery } from '@tanstack/react-query';
import { api, type SessionUser } from './api.ts';

type Can = (method: string, url: string) => boolean;
const PermissionsContext = createContext<{ can: Can; ready: boolean }>({ can: () => false, ready: false });

export function PermissionsProvider({ user, children }: { user: SessionUser; children: ReactNode }) {
  const q = useQuery({
    queryKey: ['permissions', user.id, user.role],
    staleTime: Infinity,
    queryFn: async () => {
      const r = await api<{ role: string; routes: { method: string; url: string }[] }>(
        'GET',
        '/api/v1/auth/me/permissions',
      );
      return new Set(r.routes.map((x) => `${x.method} ${x.url}`));
    },
  });
  const routes = q.data;
  const can = useCallback<Can>((method, url) => routes?.has(`${method} ${url}`) ?? false, [routes]);
  return <PermissionsContext.Provider value={{ can, ready: Boolean(routes) }}>{children}</PermissionsContext.Provider>;
}

/** `can('POST', '/api/v1/inspection/tasks/:taskId/assign')`: the route as the server declares it. */
export function useCan(): Can {
  return useContext(PermissionsContext).can;
}

export function usePermissionsReady(): boolean {
  return useContext(PermissionsContext).ready;
}
