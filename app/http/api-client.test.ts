import { describe, expect, it } from 'vitest';
import { clientName } from './api-client.ts';

const known = new Set(['acme-app', 'billing']);

describe('clientName', () => {
  it('takes a configured name from X-Client-Name, whatever its case and spaces', () => {
    expect(clientName(known, ' Billing ', 'curl/8.5')).toBe('billing');
  });

  it("falls back to the User-Agent's product", () => {
    expect(clientName(known, undefined, 'acme-app/2.1 (iPhone; iOS 18)')).toBe('acme-app');
    expect(clientName(known, 'unknown-name', 'ACME-App/3')).toBe('acme-app');
    expect(clientName(known, undefined, 'acme-app')).toBe('acme-app');
    expect(clientName(known, undefined, 'billing (cron; nightly)')).toBe('billing');
  });

  it('answers other for anything not configured, so the label stays bounded', () => {
    expect(clientName(known, 'evil-client-123', 'Mozilla/5.0')).toBe('other');
    expect(clientName(known, undefined, undefined)).toBe('other');
    expect(clientName(known, '', '')).toBe('other');
    expect(clientName(new Set(), 'billing', 'acme-app/1')).toBe('other');
  });
});
