// Which requests are for documentation rather than the API itself: the usage metric leaves them
// out, and negotiation does not read `Accept` for them (they are HTML, CSS and scripts).
// Versioned or not: `/api/docs` is the negotiated version's page.
const DOCUMENTATION_PATH = /^\/api(?:\/v\d+)?\/(?:openapi\.json$|docs(?:\/|$))/;

export function isDocumentationPath(path: string): boolean {
  return DOCUMENTATION_PATH.test(path);
}
