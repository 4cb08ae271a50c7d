/**
 * A page's filters, sort and page number live in the URL after the route (`#/inspection?status=done`),
 * so a list can be bookmarked, shared, and comes back as it was after the back button.
 */
import { navigate } from './router.ts';

export function routePath(route: string): string {
  const q = route.indexOf('?');
  return q < 0 ? route : route.slice(0, q);
}

export function routeParams(route: string): URLSearchParams {
  const q = route.indexOf('?');
  return new URLSearchParams(q < 0 ? '' : route.slice(q + 1));
}

/** The same route with some parameters changed (an empty value removes one). */
export function withParams(route: string, changes: Record<string, string | number | undefined>): string {
  const params = routeParams(route);
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined || v === '') params.delete(k);
    else params.set(k, String(v));
  }
  const qs = params.toString();
  return qs ? `${routePath(route)}?${qs}` : routePath(route);
}

/** Go to the route with these parameters; `replace` (typing in a search box) keeps one history entry. */
export function setParams(
  route: string,
  changes: Record<string, string | number | undefined>,
  opts: { replace?: boolean } = {},
): void {
  const next = withParams(route, changes);
  if (opts.replace) window.location.replace(`#${next}`);
  else navigate(next);
}
