// What in `current` would break a client of `published`: both are OpenAPI 3.0 renditions of one
// version's document. openapi-diff does the work it can — removed paths, methods and status
// codes, request bodies that accept less, response bodies that may send more (a field removed
// or made optional, a type changed), response headers — and small checks cover what it does not
// read (its docs/OPENAPI3.md, json-schema-diff's KEYWORDS.md):
//   - problem+json bodies: openapi-diff compares application/json only, so every JSON media type
//     is renamed application/json before it looks (each of our responses has one);
//   - parameters: removed, made required, a new required one, or a schema that accepts less
//     (json-schema-diff, the engine openapi-diff uses for bodies);
//   - enum, pattern, format and 3.0's nullable, which json-schema-diff ignores: a request that
//     accepts fewer enum values, gains a pattern or format, or no longer accepts null; a response
//     that may send more enum values, loses a pattern or format, or may send null.
// The rules follow oasdiff's breaking-change list; a response enum value added is counted as
// breaking (oasdiff warns): clients that switch over an enum meet a value they do not know.
import jsonSchemaDiff from 'json-schema-diff';
import openapiDiff from 'openapi-diff';

type Json = Record<string, unknown>;

export interface BreakingChange {
  rule: string;
  where: string;
  detail: string;
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const JSON_MEDIA_TYPE = /^application\/(?:[\w.-]+\+)?json$/;

const isObject = (value: unknown): value is Json =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** The document with every `$ref` replaced by what it points at (ours have no cycles). */
function dereference(document: Json): Json {
  const follow = (ref: string): unknown =>
    ref
      .slice(2)
      .split('/')
      .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'))
      .reduce<unknown>((node, part) => (isObject(node) ? node[part] : undefined), document);
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk);
    if (!isObject(node)) return node;
    if (typeof node.$ref === 'string' && node.$ref.startsWith('#/')) return walk(follow(node.$ref));
    return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, walk(value)]));
  };
  return walk(document) as Json;
}

/** Every JSON media type as application/json, so openapi-diff compares problem+json too. */
function jsonAsApplicationJson(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(jsonAsApplicationJson);
  if (!isObject(node)) return node;
  return Object.fromEntries(
    Object.entries(node).map(([key, value]) => [
      key,
      key === 'content' && isObject(value)
        ? Object.fromEntries(
            Object.entries(value).map(([type, media]) => [
              JSON_MEDIA_TYPE.test(type) ? 'application/json' : type,
              jsonAsApplicationJson(media),
            ]),
          )
        : jsonAsApplicationJson(value),
    ]),
  );
}

async function openapiDiffFindings(published: Json, current: Json): Promise<BreakingChange[]> {
  const spec = (document: Json, location: string) => ({
    content: JSON.stringify(jsonAsApplicationJson(document)),
    location,
    format: 'openapi3' as const,
  });
  const outcome = await openapiDiff.diffSpecs({
    sourceSpec: spec(published, 'published'),
    destinationSpec: spec(current, 'current'),
  });
  if (!outcome.breakingDifferencesFound) return [];
  return outcome.breakingDifferences.map((difference) => ({
    rule: difference.code,
    where: [...difference.sourceSpecEntityDetails, ...difference.destinationSpecEntityDetails]
      .map((detail) => detail.location)
      .filter((location, index, all) => all.indexOf(location) === index)
      .join(' → '),
    detail: `openapi-diff: ${difference.code}`,
  }));
}

interface OperationRef {
  where: string;
  operation: Json;
}

function operationsOf(document: Json): Map<string, OperationRef> {
  const found = new Map<string, OperationRef>();
  for (const [path, item] of Object.entries((document.paths ?? {}) as Record<string, Json>)) {
    for (const method of METHODS) {
      const operation = item[method];
      if (isObject(operation))
        found.set(`${method} ${path}`, { where: `${method.toUpperCase()} ${path}`, operation });
    }
  }
  return found;
}

function parametersOf(operation: Json): Map<string, Json> {
  const parameters = (operation.parameters ?? []) as Json[];
  return new Map(parameters.map((parameter) => [`${parameter.in} ${parameter.name}`, parameter]));
}

async function parameterFindings(
  where: string,
  published: Json,
  current: Json,
): Promise<BreakingChange[]> {
  const findings: BreakingChange[] = [];
  const before = parametersOf(published);
  const after = parametersOf(current);
  for (const [key, parameter] of before) {
    const now = after.get(key);
    if (!now) {
      findings.push({ rule: 'parameter.remove', where, detail: `parameter ${key} removed` });
      continue;
    }
    if (now.required === true && parameter.required !== true)
      findings.push({ rule: 'parameter.required', where, detail: `parameter ${key} now required` });
    const diff = await jsonSchemaDiff.diffSchemas({
      sourceSchema: (parameter.schema ?? {}) as object,
      destinationSchema: (now.schema ?? {}) as object,
    });
    if (diff.removalsFound)
      findings.push({
        rule: 'parameter.scope.remove',
        where,
        detail: `parameter ${key} accepts less: ${JSON.stringify(diff.removedJsonSchema)}`,
      });
  }
  for (const [key, parameter] of after) {
    if (!before.has(key) && parameter.required === true)
      findings.push({ rule: 'parameter.required', where, detail: `new required parameter ${key}` });
  }
  return findings;
}

type Side = 'request' | 'response';

/** Compares enum, pattern and format of two schemas, and of their matching sub-schemas. */
function keywordFindings(
  side: Side,
  where: string,
  before: unknown,
  after: unknown,
): BreakingChange[] {
  if (!isObject(before) || !isObject(after)) return [];
  const findings: BreakingChange[] = [];
  const report = (rule: string, detail: string) => findings.push({ rule, where, detail });

  const beforeEnum = Array.isArray(before.enum) ? before.enum : undefined;
  const afterEnum = Array.isArray(after.enum) ? after.enum : undefined;
  const missing = (from: unknown[] | undefined, to: unknown[] | undefined) =>
    from === undefined
      ? []
      : to === undefined
        ? ['(any value)']
        : from.filter((v) => !to.includes(v));
  if (side === 'request') {
    // Accepting fewer values: one removed, or an enum where any value was fine.
    const removed = beforeEnum
      ? missing(beforeEnum, afterEnum).filter((v) => v !== '(any value)')
      : [];
    if (removed.length > 0)
      report('request.enum.remove', `no longer accepts ${JSON.stringify(removed)}`);
    if (!beforeEnum && afterEnum)
      report('request.enum.add', `now accepts only ${JSON.stringify(afterEnum)}`);
  } else {
    // Sending more values: one added, or the enum dropped altogether.
    const added = afterEnum
      ? missing(afterEnum, beforeEnum).filter((v) => v !== '(any value)')
      : [];
    if (beforeEnum && added.length > 0)
      report('response.enum.add', `may now send ${JSON.stringify(added)}`);
    if (beforeEnum && !afterEnum) report('response.enum.remove', 'may now send any value');
  }
  // OpenAPI 3.0's `nullable`, which json-schema-diff does not know either.
  const nullable = (schema: Json) => schema.nullable === true;
  if (side === 'request' && nullable(before) && !nullable(after))
    report('request.nullable.remove', 'no longer accepts null');
  if (side === 'response' && !nullable(before) && nullable(after))
    report('response.nullable.add', 'may now send null');

  for (const keyword of ['pattern', 'format'] as const) {
    const was = before[keyword];
    const is = after[keyword];
    if (was === is) continue;
    // A request may drop a constraint (it accepts more); a response may add one (it sends less).
    if (side === 'request' && is !== undefined)
      report(
        `request.${keyword}.change`,
        `${keyword} ${JSON.stringify(was)} → ${JSON.stringify(is)}`,
      );
    if (side === 'response' && was !== undefined)
      report(
        `response.${keyword}.change`,
        `${keyword} ${JSON.stringify(was)} → ${JSON.stringify(is)}`,
      );
  }

  const beforeProperties = (before.properties ?? {}) as Json;
  const afterProperties = (after.properties ?? {}) as Json;
  for (const [name, schema] of Object.entries(beforeProperties)) {
    if (name in afterProperties)
      findings.push(...keywordFindings(side, `${where}.${name}`, schema, afterProperties[name]));
  }
  if (before.items !== undefined)
    findings.push(...keywordFindings(side, `${where}[]`, before.items, after.items));
  for (const combinator of ['allOf', 'anyOf', 'oneOf'] as const) {
    const was = before[combinator];
    const is = after[combinator];
    if (Array.isArray(was) && Array.isArray(is) && was.length === is.length)
      was.forEach((schema, index) => {
        findings.push(
          ...keywordFindings(side, `${where}.${combinator}[${index}]`, schema, is[index]),
        );
      });
  }
  return findings;
}

function bodies(content: unknown): Map<string, unknown> {
  if (!isObject(content)) return new Map();
  return new Map(
    Object.entries(content).map(([type, media]) => [
      JSON_MEDIA_TYPE.test(type) ? 'application/json' : type,
      isObject(media) ? media.schema : undefined,
    ]),
  );
}

function operationKeywordFindings(where: string, published: Json, current: Json): BreakingChange[] {
  const findings: BreakingChange[] = [];
  const requestBefore = bodies((published.requestBody as Json | undefined)?.content);
  const requestAfter = bodies((current.requestBody as Json | undefined)?.content);
  for (const [type, schema] of requestBefore)
    findings.push(
      ...keywordFindings('request', `${where} request body`, schema, requestAfter.get(type)),
    );
  const parametersAfter = parametersOf(current);
  for (const [key, parameter] of parametersOf(published))
    findings.push(
      ...keywordFindings(
        'request',
        `${where} ${key}`,
        parameter.schema,
        parametersAfter.get(key)?.schema,
      ),
    );
  const responsesAfter = (current.responses ?? {}) as Record<string, Json>;
  for (const [status, response] of Object.entries(
    (published.responses ?? {}) as Record<string, Json>,
  )) {
    const after = bodies(responsesAfter[status]?.content);
    for (const [type, schema] of bodies(response.content))
      findings.push(...keywordFindings('response', `${where} ${status}`, schema, after.get(type)));
  }
  return findings;
}

export async function findBreakingChanges(
  published: object,
  current: object,
): Promise<BreakingChange[]> {
  const findings = await openapiDiffFindings(published as Json, current as Json);
  const before = operationsOf(dereference(published as Json));
  const after = operationsOf(dereference(current as Json));
  for (const [key, { where, operation }] of before) {
    const now = after.get(key)?.operation;
    if (!now) continue; // openapi-diff reports removed paths and methods
    findings.push(...(await parameterFindings(where, operation, now)));
    findings.push(...operationKeywordFindings(where, operation, now));
  }
  return findings;
}
