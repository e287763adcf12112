// What the API suites do over and over: call the app over its socket (every response checked
// against the served OpenAPI documents when a conformance checker is given), read every users
// row straight from the database, and check a problem+json answer.
import { expect } from 'vitest';
import type { TestApp } from './app-server.ts';
import type { Conformance } from './openapi-conformance.ts';

export interface ApiClient {
  call(path: string, init?: RequestInit): Promise<Response>;
  send(method: string, path: string, body: unknown, contentType?: string): Promise<Response>;
  /** Every users row, from the database: what a rejected request must leave unchanged. */
  snapshot(): Promise<unknown[]>;
}

export function apiClient(app: TestApp, conformance?: Conformance): ApiClient {
  const call = async (path: string, init: RequestInit = {}) => {
    const response = await fetch(`${app.url}${path}`, init);
    await conformance?.check(init.method ?? 'GET', path, response);
    return response;
  };
  return {
    call,
    send: (method, path, body, contentType = 'application/json') =>
      call(path, {
        method,
        headers: { 'content-type': contentType },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
    snapshot: () =>
      app.deps.db.orm.query.users.findMany({ orderBy: (users, { asc }) => [asc(users.id)] }),
  };
}

export async function expectProblem(
  response: Response,
  status: number,
  type: string,
): Promise<Record<string, unknown>> {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  const problem = (await response.json()) as Record<string, unknown>;
  expect(problem).toMatchObject({ type: `/problems/${type}`, status });
  expect(problem.title).toEqual(expect.any(String));
  expect(problem.requestId).toBe(response.headers.get('x-request-id'));
  expect(JSON.stringify(problem)).not.toMatch(/\bat .+\.ts:\d+/); // no stack traces
  return problem;
}
