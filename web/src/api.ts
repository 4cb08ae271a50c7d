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

function requestHeaders(body: unknown, headers: Record<string, string>, accept: string) {
  const h: Record<string, string> = { accept, ...headers };
  const token = session.token();
  if (token) h.authorization = `Bearer ${token}`;
  if (body !== undefined) h['content-type'] = 'application/json';
  return h;
}

async function send(method: string, path: string, body: unknown, h: Record<string, string>): Promise<Response> {
  try {
    return await fetch(path, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, 'network', '');
  }
}

function parsed(text: string) {
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    // Not JSON (a proxy's error page): the status speaks for it.
    return null;
  }
}

/** The problem+json of a refused request as an ApiError; a 401 on a signed-in session ends it. */
function refusal(res: Response, text: string): ApiError {
  const data = parsed(text);
  if (res.status === 401 && session.token()) {
    session.clear();
    onUnauthorized();
  }
  return new ApiError(
    res.status,
    data?.title ?? res.statusText,
    data?.detail ?? '',
    data?.errors ?? [],
    data?.type ?? '',
    data?.requestId ?? res.headers.get('x-request-id') ?? '',
  );
}

export async function api<T>(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<T> {
  const res = await send(method, path, body, requestHeaders(body, headers, 'application/json'));
  const text = await res.text();
  if (!res.ok) throw refusal(res, text);
  return parsed(text) as T;
}

/** An answer sent as JSON lines (application/x-ndjson), each handed to `onLine` as it arrives. */
export async function apiLines<T>(method: string, path: string, onLine: (line: T) => void): Promise<void> {
  const res = await send(method, path, undefined, requestHeaders(undefined, {}, 'application/x-ndjson'));
  if (!res.ok || !res.body) throw refusal(res, await res.text());
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let pending = '';
  for (;;) {
    const { done, value } = await reader.read();
    pending += value ?? '';
    const lines = pending.split('\n');
    pending = done ? '' : lines.pop()!;
    for (const l of lines) if (l.trim()) onLine(JSON.parse(l) as T);
    if (done) return;
  }
}
