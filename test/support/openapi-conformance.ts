// Checks real responses against the OpenAPI documents the app serves: the operation exists, the
// status is documented, the media type and the body match the documented schema (validated with
// ajv against the 3.1 document's JSON Schemas), and every required header is there. Objects are
// checked closed — a field the document does not mention fails — so the document cannot quietly
// fall behind what the server sends.
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import ajvFormats from 'ajv-formats';
import { expect } from 'vitest';

// ajv-formats is CommonJS: Node's ESM sees module.exports, which carries the plugin as `default`.
const addFormats = ajvFormats.default;

type Json = Record<string, unknown>;

interface OperationMatch {
  template: string;
  operation: Json;
}

/** JSON pointer escaping (RFC 6901) of one reference token. */
const token = (part: string) => part.replaceAll('~', '~0').replaceAll('/', '~1');

/** Closes every object schema that lists its properties and says nothing about others. */
function closeObjects(node: unknown): void {
  if (Array.isArray(node)) {
    for (const item of node) closeObjects(item);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const schema = node as Json;
  if (schema.type === 'object' && schema.properties && !('additionalProperties' in schema))
    schema.unevaluatedProperties = false;
  for (const value of Object.values(schema)) closeObjects(value);
}

function templateRegex(template: string): RegExp {
  const pattern = template
    .split(/\{[^}]+\}/)
    .map((literal) => literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('[^/]+');
  return new RegExp(`^${pattern}$`);
}

export interface Conformance {
  /** Checks one response to `method path`; `path` may carry a query string. */
  check(method: string, path: string, response: Response): Promise<void>;
  /** `<version> <METHOD> <template> <status>` of every checked response. */
  readonly seen: Set<string>;
  /**
   * Every documented `<version> <METHOD> <template> <status>`: of the versioned operations, or
   * with `negotiated` of their unversioned twins.
   */
  documented(options?: { negotiated?: boolean }): string[];
}

/** Fetches each version's served document; `versions` are the ids to load. */
export async function loadConformance(
  baseUrl: string,
  versions: readonly string[],
): Promise<Conformance> {
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
  addFormats(ajv);
  const documents = new Map<string, Json>();
  for (const version of versions) {
    const document = (await (await fetch(`${baseUrl}/api/${version}/openapi.json`)).json()) as Json;
    const closed = structuredClone(document);
    closeObjects(closed);
    ajv.addSchema(closed, `${version}.json`);
    documents.set(version, document);
  }
  const validators = new Map<string, ValidateFunction>();
  const validator = (ref: string) => {
    let validate = validators.get(ref);
    if (!validate) {
      validate = ajv.compile({ $ref: ref });
      validators.set(ref, validate);
    }
    return validate;
  };
  const seen = new Set<string>();

  function findOperation(
    version: string,
    method: string,
    path: string,
  ): OperationMatch | undefined {
    const paths = (documents.get(version)?.paths ?? {}) as Record<string, Json>;
    for (const [template, item] of Object.entries(paths)) {
      const operation = item[method.toLowerCase()] as Json | undefined;
      if (operation && templateRegex(template).test(path)) return { template, operation };
    }
    return undefined;
  }

  function resolveHeader(version: string, header: Json): Json {
    const ref = header.$ref as string | undefined;
    if (!ref) return header;
    const name = ref.split('/').at(-1) ?? '';
    const components = documents.get(version)?.components as { headers: Record<string, Json> };
    return components.headers[name] ?? {};
  }

  return {
    seen,
    documented({ negotiated = false } = {}) {
      return [...documents].flatMap(([version, document]) =>
        Object.entries(document.paths as Record<string, Record<string, Json>>).flatMap(
          ([template, item]) =>
            Object.entries(item)
              .filter(
                ([, operation]) =>
                  ((operation.tags as string[] | undefined)?.includes('negotiated') ?? false) ===
                  negotiated,
              )
              .flatMap(([method, operation]) =>
                Object.keys(operation.responses as Json).map(
                  (status) => `${version} ${method.toUpperCase()} ${template} ${status}`,
                ),
              ),
        ),
      );
    },
    async check(method, requestPath, response) {
      const version = response.headers.get('api-version');
      const path = requestPath.split('?')[0] ?? '';
      if (!version || !documents.has(version)) return; // not an API response (health, 400 unknown version…)
      // Unversioned paths are served by the version the response names: its document lists
      // them as the negotiated twins of its operations.
      const operationMethod = method === 'HEAD' ? 'GET' : method;
      const match =
        findOperation(version, operationMethod, path) ??
        findOperation(
          version,
          operationMethod,
          path.replace(/^\/api(?!\/v\d+(?:\/|$))/, `/api/${version}`),
        );
      if (!match) {
        // Unknown paths and unsupported methods are no operation's business.
        expect([404, 405, 204], `${method} ${path} is not documented`).toContain(response.status);
        return;
      }
      const where = `${version} ${method} ${match.template} ${response.status}`;
      const responses = match.operation.responses as Record<string, Json>;
      const documented = responses[String(response.status)];
      expect(documented, `${where}: status not documented`).toBeDefined();
      if (!documented) return;
      seen.add(where);

      for (const [name, header] of Object.entries(
        (documented.headers ?? {}) as Record<string, Json>,
      )) {
        if (resolveHeader(version, header).required)
          expect(response.headers.has(name), `${where}: header ${name} missing`).toBe(true);
      }

      const body = await response.clone().text();
      const content = documented.content as Record<string, Json> | undefined;
      if (!content || method === 'HEAD') {
        if (method !== 'HEAD') expect(body, `${where}: a body where none is documented`).toBe('');
        return;
      }
      const mediaType = (response.headers.get('content-type') ?? '').split(';')[0]?.trim() ?? '';
      expect(Object.keys(content), `${where}: media type`).toContain(mediaType);
      const pointer = ['paths', match.template, method === 'HEAD' ? 'get' : method.toLowerCase()]
        .concat(['responses', String(response.status), 'content', mediaType, 'schema'])
        .map(token)
        .join('/');
      const validate = validator(`${version}.json#/${pointer}`);
      const valid = validate(JSON.parse(body));
      expect(valid, `${where}: ${ajv.errorsText(validate.errors)}\n${body}`).toBe(true);
    },
  };
}
