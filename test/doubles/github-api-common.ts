/**
 * What the GitHub API double's route modules share: the user shape GitHub returns, the error
 * bodies it answers with, and the context (ids, clock, base URL) one double instance owns.
 */

export const DOCS = 'https://docs.github.com/rest';

export interface ApiUser {
  login: string;
  id: number;
  type: 'User' | 'Bot';
}

export interface TokenGrant {
  login: string;
  permission: 'write' | 'read';
}

const BOT_IDS: Record<string, number> = { 'github-actions[bot]': 41898282 };

/** A stable user record for a login: bots by their real ids, others by a checksum of the name. */
export function userFor(login: string): ApiUser & { node_id: string } {
  const bot = login.endsWith('[bot]');
  const id = BOT_IDS[login] ?? 1000 + [...login].reduce((a, c) => a + c.charCodeAt(0), 0);
  return { login, id, type: bot ? 'Bot' : 'User', node_id: `MDQ6VXNlcj${id}` };
}

export type Send = (status: number, payload?: unknown, headers?: Record<string, string>) => void;

/** One request as a route module sees it, after faults and authentication have passed. */
export interface ApiRequest {
  method: string;
  path: string;
  url: URL;
  body: unknown;
  grant: TokenGrant;
  send: Send;
}

/** The state one double instance shares between its routes. */
export interface ApiContext {
  baseUrl(): string;
  nextId(): number;
  /** The double's clock: one second further on each call, in GitHub's timestamp format. */
  now(): string;
}

export function notFound(documentation = DOCS) {
  return { message: 'Not Found', documentation_url: documentation, status: '404' };
}

/** GitHub's 422 for a required field the request left out. */
export function fieldNotSupplied(field: string, documentation: string) {
  return {
    message: `Invalid request.\n\n"${field}" wasn't supplied.`,
    documentation_url: documentation,
    status: '422',
  };
}

/** GitHub's 422 "Validation Failed" with one error entry. */
export function validationFailed(
  error: { resource: string; code: string; field: string; message: string },
  documentation: string,
) {
  return { message: 'Validation Failed', errors: [error], documentation_url: documentation, status: '422' };
}
