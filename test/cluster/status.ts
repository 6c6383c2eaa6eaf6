/**
 * Kubernetes `Status` failure bodies, with the reasons, codes and message wording of
 * k8s.io/apimachinery/pkg/api/errors (clients such as helm match on reason and code, and
 * print the message).
 */
// Objects of every kind, as the JSON the API serves: their fields are read dynamically.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type K8sObject = Record<string, any>;

export interface Qualified {
  group: string;
  resource: string;
  kind: string;
}

export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }

  body(): K8sObject {
    const body: K8sObject = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
    };
    if (this.details) body.details = this.details;
    body.code = this.code;
    return body;
  }
}

/** `deployments.apps` or, for the core group, `secrets`. */
export function qualifiedName(q: Qualified): string {
  return q.group ? `${q.resource}.${q.group}` : q.resource;
}

/** StatusDetails: `group` is omitempty, so the core group has none. */
function details(q: Qualified, name: string, kind = q.resource): Record<string, unknown> {
  return q.group ? { name, group: q.group, kind } : { name, kind };
}

export function notFound(q: Qualified, name: string): ApiError {
  return new ApiError(404, 'NotFound', `${qualifiedName(q)} "${name}" not found`, details(q, name));
}

export function alreadyExists(q: Qualified, name: string): ApiError {
  return new ApiError(409, 'AlreadyExists', `${qualifiedName(q)} "${name}" already exists`, details(q, name));
}

export function conflict(q: Qualified, name: string): ApiError {
  return new ApiError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualifiedName(q)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    details(q, name),
  );
}

export interface Cause {
  reason: string;
  message: string;
  field: string;
}

/** 422 Invalid, as field validation failures read: `Deployment.apps "x" is invalid: spec.replicas: Invalid value: -1: ...`. */
export function invalid(q: Qualified, name: string, causes: Cause[]): ApiError {
  const kindName = q.group ? `${q.kind}.${q.group}` : q.kind;
  const list = causes.map((c) => `${c.field}: ${c.message}`);
  const joined = list.length === 1 ? list[0] : `[${list.join(', ')}]`;
  return new ApiError(422, 'Invalid', `${kindName} "${name}" is invalid: ${joined}`, {
    ...details(q, name, q.kind),
    causes,
  });
}

export function badRequest(message: string): ApiError {
  return new ApiError(400, 'BadRequest', message);
}

export function methodNotAllowed(): ApiError {
  return new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
}

export function unsupportedMediaType(contentType: string): ApiError {
  return new ApiError(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf`,
    {
      causes: [{ reason: 'UnsupportedMediaType', message: contentType }],
    },
  );
}

/** The generic 404 of a path the server does not serve at all. */
export function pathNotFound(): ApiError {
  return new ApiError(404, 'NotFound', 'the server could not find the requested resource', {});
}

export function gone(message: string): ApiError {
  return new ApiError(410, 'Expired', message);
}
