// The edge tier's own (app/edge.ts): where it forwards what it cannot answer.
import { httpUrl, variables } from './variable.ts';

export const edge = variables({
  EDGE_ORIGIN_URL: {
    schema: httpUrl,
    default: undefined,
    doc: 'The container origin every request the edge cannot answer itself is forwarded to (`http://myapp:80`).',
  },
});
