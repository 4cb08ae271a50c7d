/**
 * The till's calls: the shop's own API key (a dutyfree_shop client), kept for this browser session,
 * never the signed-in officer's token. Errors are the app's ApiError, so ErrorBox explains them.
 */
import { ApiError } from '../../api.ts';

const KEY = 'tidegate.shopKey';

export const shopKey = {
  get: () => sessionStorage.getItem(KEY),
  set: (k: string) => sessionStorage.setItem(KEY, k),
  clear: () => sessionStorage.removeItem(KEY),
};

export async function shopApi<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {
    accept: 'application/json',
    authorization: `ApiKey ${shopKey.get() ?? ''}`,
  };
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, 'network', '');
  }
  const text = await res.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    // Not JSON: the status speaks for it.
  }
  if (!res.ok) {
    const type = data?.type ?? '';
    throw new ApiError(
      res.status,
      data?.title ?? res.statusText,
      data?.detail ?? '',
      data?.errors ?? [],
      type,
      data?.requestId ?? '',
    );
  }
  return data as T;
}
