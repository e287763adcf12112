// A bounded name for the client behind a request, for the version-usage metric (who still calls
// a version before its sunset): a name from the configured list (API_CLIENT_NAMES) when the
// client says it in X-Client-Name or as the product of its User-Agent (`acme-app/2.1 (…)`),
// otherwise `other`. Never the raw header: every distinct label value is a series Prometheus
// keeps, so a label fed by what clients send must have a fixed set of values.
export const CLIENT_NAME_HEADER = 'X-Client-Name';
const OTHER_CLIENT = 'other';

export function clientName(
  known: ReadonlySet<string>,
  said: string | undefined,
  userAgent: string | undefined,
): string {
  const named = said?.trim().toLowerCase();
  if (named && known.has(named)) return named;
  const product = userAgent?.trim().split(/[\s/]/, 1)[0]?.toLowerCase();
  if (product && known.has(product)) return product;
  return OTHER_CLIENT;
}
