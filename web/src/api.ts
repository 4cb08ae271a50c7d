/** The API client: bearer token from the session, problem+json errors as ApiError. */
export interface FieldError {
  path: string;
  message: string;
  rule?: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly errors: FieldError[] = [],
    /** The problem's type, `urn:tidegate:error:<code>`, and the request id to quote to an administrator. */
    readonly type = '',
    readonly requestId = '',
  ) {
    super(detail || title);
  }

  /** The code of the problem's type: `validation`, `forbidden`, `four-eyes`… */
  get code(): string {
    return this.type.replace(/^urn:tidegate:error:/, '');
  }
}

const TOKEN_KEY = 'tidegate.token';
const USER_KEY = 'tidegate.user';

export interface SessionUser {
  id: string;
  username: string;
  role: string;
  enterpriseId: string | null;
  displayName: string;
}

export const session = {
  token: () => sessionStorage.getItem(TOKEN_KEY),
  user: (): SessionUser | null => {
    const raw = sessionStorage.getItem(USER_KEY);
    return raw ? (JSON.parse(raw) as SessionUser) : null;
  },
  save(token: string, user: SessionUser) {
    sessionStorage.setItem(TOKEN_KEY, token);
    sessionStorage.setItem(USER_KEY, JSON.stringify(user));
  },
  clear() {
    sessionStorage.removeItem(TOKEN_KEY);
    sessionStorage.removeItem(USER_KEY);
  },
};

let onUnauthorized: () => void = () => {};
export function setUnauthorizedHandler(fn: () => void) {
  onUnauthorized = fn;
}

export async function api<T>(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<T> {
  const h: Record<string, string> = { accept: 'application/json', ...headers };
  const token = session.token();
  if (token) h.authorization = `Bearer ${token}`;
  if (body !== undefined) h['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, 'network', '');
  }
  const text = await res.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    // Not JSON (a proxy's error page): the status speaks for it.
  }
  if (!res.ok) {
    if (res.status === 401 && token) {
      session.clear();
      onUnauthorized();
    }
    throw new ApiError(
      res.status,
      data?.title ?? res.statusText,
      data?.detail ?? '',
      data?.errors ?? [],
      data?.type ?? '',
      data?.requestId ?? res.headers.get('x-request-id') ?? '',
    );
  }
  return data as T;
}
