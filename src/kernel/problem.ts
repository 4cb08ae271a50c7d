// RFC 9457 problem details: the one shape every rejected request takes.
export interface FieldError {
  path: string;
  message: string;
  rule?: string;
}

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  errors?: FieldError[];
  [extra: string]: unknown;
}

const PREFIX = 'urn:tidegate:error:';

/** A failure the caller can act on. Thrown inside a transaction, it rolls the command back. */
export class Problem extends Error {
  readonly status: number;
  readonly type: string;
  readonly title: string;
  readonly errors: FieldError[] | undefined;
  readonly extra: Record<string, unknown>;

  constructor(opts: {
    status: number;
    code: string;
    title: string;
    detail: string;
    errors?: FieldError[];
    extra?: Record<string, unknown>;
  }) {
    super(opts.detail);
    this.status = opts.status;
    this.type = PREFIX + opts.code;
    this.title = opts.title;
    this.errors = opts.errors;
    this.extra = opts.extra ?? {};
  }

  toBody(instance?: string): ProblemBody {
    const body: ProblemBody = {
      type: this.type,
      title: this.title,
      status: this.status,
      detail: this.message,
      ...this.extra,
    };
    if (instance) body.instance = instance;
    if (this.errors?.length) body.errors = this.errors;
    return body;
  }
}

export const problems = {
  validation(errors: FieldError[], detail?: string): Problem {
    return new Problem({
      status: 400,
      code: 'validation',
      title: 'Invalid request',
      detail: detail ?? errors.map((e) => `${e.path}: ${e.message}`).join('; '),
      errors,
    });
  },
  field(path: string, rule: string, message: string): Problem {
    return problems.validation([{ path, message, rule }]);
  },
  notFound(what: string): Problem {
    return new Problem({ status: 404, code: 'not-found', title: 'Not found', detail: `${what} was not found.` });
  },
  conflict(detail: string, extra?: Record<string, unknown>): Problem {
    return new Problem({ status: 409, code: 'conflict', title: 'Conflict', detail, extra });
  },
  unauthorized(
    detail = 'Log in first: send "Authorization: Bearer <token>" or "Authorization: ApiKey <key>".',
  ): Problem {
    return new Problem({ status: 401, code: 'unauthorized', title: 'Authentication required', detail });
  },
  forbidden(detail: string): Problem {
    return new Problem({ status: 403, code: 'forbidden', title: 'Forbidden', detail });
  },
  rule(code: string, title: string, detail: string, errors?: FieldError[]): Problem {
    return new Problem({ status: 422, code, title, detail, errors });
  },
};
