// Fixtures for the breaking-change guard: a small published OpenAPI 3.0 document, and changes to
// it — one per rule that must fail, and additive ones that must pass.
// biome-ignore lint/suspicious/noExplicitAny: the fixtures reach into arbitrary places of a document
type Json = Record<string, any>;

export function publishedFixture(): Json {
  const problem = {
    type: 'object',
    properties: { type: { type: 'string' }, title: { type: 'string' }, detail: { type: 'string' } },
    required: ['type', 'title'],
  };
  return {
    openapi: '3.0.3',
    info: { title: 'fixture', version: 'v1' },
    paths: {
      '/items': {
        get: {
          parameters: [
            {
              name: 'limit',
              in: 'query',
              required: false,
              schema: { type: 'integer', minimum: 1, maximum: 100 },
            },
            { name: 'cursor', in: 'query', required: false, schema: { type: 'string' } },
          ],
          responses: {
            '200': {
              description: 'A page.',
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    properties: {
                      data: { type: 'array', items: { $ref: '#/components/schemas/Item' } },
                      next: { type: 'string', nullable: true },
                    },
                    required: ['data', 'next'],
                  },
                },
              },
            },
            '400': {
              description: 'Bad.',
              content: { 'application/problem+json': { schema: problem } },
            },
          },
        },
        post: {
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  additionalProperties: false,
                  properties: {
                    name: { type: 'string', minLength: 1, maxLength: 50 },
                    kind: { type: 'string', enum: ['a', 'b'] },
                    code: { type: 'string' },
                    note: { type: 'string', nullable: true },
                  },
                  required: ['name'],
                },
              },
            },
          },
          responses: {
            '201': {
              description: 'Created.',
              headers: { Location: { required: true, schema: { type: 'string' } } },
              content: { 'application/json': { schema: { $ref: '#/components/schemas/Item' } } },
            },
            '400': {
              description: 'Bad.',
              content: { 'application/problem+json': { schema: problem } },
            },
          },
        },
      },
      '/items/{id}': {
        get: {
          parameters: [
            {
              name: 'id',
              in: 'path',
              required: true,
              schema: { type: 'string', pattern: '^[1-9]\\d*$' },
            },
          ],
          responses: {
            '200': {
              description: 'The item.',
              content: { 'application/json': { schema: { $ref: '#/components/schemas/Item' } } },
            },
            '404': {
              description: 'Not found.',
              content: { 'application/problem+json': { schema: problem } },
            },
          },
        },
      },
    },
    components: {
      schemas: {
        Item: {
          type: 'object',
          properties: {
            id: { type: 'integer' },
            name: { type: 'string' },
            kind: { type: 'string', enum: ['a', 'b'] },
            note: { type: 'string' },
            created: { type: 'string', format: 'date-time' },
          },
          required: ['id', 'name', 'kind', 'created'],
        },
      },
    },
  };
}

const item = (d: Json) => d.components.schemas.Item;
const createBody = (d: Json) =>
  d.paths['/items'].post.requestBody.content['application/json'].schema;
const listParameters = (d: Json) => d.paths['/items'].get.parameters;
const listProblem = (d: Json) =>
  d.paths['/items'].get.responses['400'].content['application/problem+json'].schema;

/** [what changes, a rule the guard must report, the change]. */
export const breakingChanges: [string, string, (d: Json) => void][] = [
  ['a path removed', 'path.remove', (d) => delete d.paths['/items/{id}']],
  ['a method removed', 'method.remove', (d) => delete d.paths['/items'].post],
  [
    'a status code removed',
    'response.status-code.remove',
    (d) => delete d.paths['/items/{id}'].get.responses['404'],
  ],
  [
    'a required response field removed',
    'response.body.scope.add',
    (d) => {
      delete item(d).properties.name;
      item(d).required = ['id', 'kind', 'created'];
    },
  ],
  [
    'an optional response field removed',
    'response.body.scope.add',
    (d) => delete item(d).properties.note,
  ],
  [
    'a response field made optional',
    'response.body.scope.add',
    (d) => {
      item(d).required = ['id', 'kind', 'created'];
    },
  ],
  [
    'a response field type changed',
    'response.body.scope.add',
    (d) => {
      item(d).properties.id = { type: 'string' };
    },
  ],
  [
    'a response field made nullable',
    'response.nullable.add',
    (d) => {
      item(d).properties.name.nullable = true;
    },
  ],
  [
    'a response enum value added',
    'response.enum.add',
    (d) => item(d).properties.kind.enum.push('c'),
  ],
  ['a response enum dropped', 'response.enum.remove', (d) => delete item(d).properties.kind.enum],
  [
    'a response format dropped',
    'response.format.change',
    (d) => delete item(d).properties.created.format,
  ],
  [
    'a problem+json field removed',
    'response.body.scope.add',
    (d) => {
      delete listProblem(d).properties.title;
      listProblem(d).required = ['type'];
    },
  ],
  [
    'a request field made required',
    'request.body.scope.remove',
    (d) => createBody(d).required.push('kind'),
  ],
  [
    'a new required request field',
    'request.body.scope.remove',
    (d) => {
      createBody(d).properties.owner = { type: 'string' };
      createBody(d).required.push('owner');
    },
  ],
  [
    'a request field removed',
    'request.body.scope.remove',
    (d) => delete createBody(d).properties.code,
  ],
  [
    'a request field no longer nullable',
    'request.nullable.remove',
    (d) => {
      delete createBody(d).properties.note.nullable;
    },
  ],
  [
    'a request field type changed',
    'request.body.scope.remove',
    (d) => {
      createBody(d).properties.name.type = 'integer';
    },
  ],
  [
    'a request length narrowed',
    'request.body.scope.remove',
    (d) => {
      createBody(d).properties.name.maxLength = 20;
    },
  ],
  [
    'a request enum value removed',
    'request.enum.remove',
    (d) => {
      createBody(d).properties.kind.enum = ['a'];
    },
  ],
  [
    'a request enum where any value was fine',
    'request.enum.add',
    (d) => {
      createBody(d).properties.code.enum = ['x'];
    },
  ],
  [
    'a request pattern added',
    'request.pattern.change',
    (d) => {
      createBody(d).properties.code.pattern = '^[A-Z]+$';
    },
  ],
  [
    'a request format added',
    'request.format.change',
    (d) => {
      createBody(d).properties.code.format = 'uuid';
    },
  ],
  ['a parameter removed', 'parameter.remove', (d) => listParameters(d).pop()],
  [
    'a parameter made required',
    'parameter.required',
    (d) => {
      listParameters(d)[0].required = true;
    },
  ],
  [
    'a new required parameter',
    'parameter.required',
    (d) => {
      listParameters(d).push({
        name: 'tenant',
        in: 'query',
        required: true,
        schema: { type: 'string' },
      });
    },
  ],
  [
    'a parameter range narrowed',
    'parameter.scope.remove',
    (d) => {
      listParameters(d)[0].schema.maximum = 50;
    },
  ],
  [
    'a path parameter pattern changed',
    'request.pattern.change',
    (d) => {
      d.paths['/items/{id}'].get.parameters[0].schema.pattern = '^\\d{1,3}$';
    },
  ],
  [
    'a required response header removed',
    'response.required.header.remove',
    (d) => {
      delete d.paths['/items'].post.responses['201'].headers.Location;
    },
  ],
];

/** [what changes, the change]: clients of the published document keep working. */
export const additiveChanges: [string, (d: Json) => void][] = [
  ['nothing', () => {}],
  [
    'a path added',
    (d) => {
      d.paths['/other'] = { get: { responses: { '200': { description: 'Ok.' } } } };
    },
  ],
  [
    'a method added',
    (d) => {
      d.paths['/items/{id}'].delete = { responses: { '204': { description: 'Deleted.' } } };
    },
  ],
  [
    'an optional request field added',
    (d) => {
      createBody(d).properties.colour = { type: 'string' };
    },
  ],
  [
    'a request field made optional',
    (d) => {
      createBody(d).required = [];
      delete createBody(d).required;
    },
  ],
  [
    'a request length widened',
    (d) => {
      createBody(d).properties.name.maxLength = 100;
    },
  ],
  ['a request enum value added', (d) => createBody(d).properties.kind.enum.push('c')],
  [
    'a response field added',
    (d) => {
      item(d).properties.colour = { type: 'string' };
    },
  ],
  [
    'a required response field added',
    (d) => {
      item(d).properties.colour = { type: 'string' };
      item(d).required.push('colour');
    },
  ],
  ['an optional response field made required', (d) => item(d).required.push('note')],
  [
    'a response enum value removed',
    (d) => {
      item(d).properties.kind.enum = ['a'];
    },
  ],
  [
    'a status code added',
    (d) => {
      d.paths['/items/{id}'].get.responses['410'] = { description: 'Gone.' };
    },
  ],
  [
    'an optional parameter added',
    (d) => {
      listParameters(d).push({
        name: 'sort',
        in: 'query',
        required: false,
        schema: { type: 'string' },
      });
    },
  ],
  [
    'a parameter range widened',
    (d) => {
      listParameters(d)[0].schema.maximum = 500;
    },
  ],
  [
    'a request pattern dropped',
    (d) => {
      delete d.paths['/items/{id}'].get.parameters[0].schema.pattern;
    },
  ],
  [
    'descriptions and extensions changed',
    (d) => {
      d.info.description = 'Now with words.';
      d.info['x-sunset'] = '2030-01-01T00:00:00.000Z';
      d.paths['/items'].get.summary = 'List items';
    },
  ],
];
