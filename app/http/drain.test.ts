import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { createLifecycle, type LifecycleState } from '../lifecycle/state.ts';
import { closeConnectionsWhenDraining } from './drain.ts';

async function connectionHeader(states: LifecycleState[]): Promise<string | null> {
  const lifecycle = createLifecycle();
  for (const state of states) lifecycle.advance(state);
  const app = new Hono();
  app.use(closeConnectionsWhenDraining(lifecycle));
  app.get('/', (c) => c.text('ok'));
  return (await app.request('/')).headers.get('connection');
}

describe('closeConnectionsWhenDraining', () => {
  it('leaves keep-alive alone while starting and ready', async () => {
    expect(await connectionHeader([])).toBeNull();
    expect(await connectionHeader(['ready'])).toBeNull();
  });

  it('asks every client to close its connection once draining, and after', async () => {
    expect(await connectionHeader(['ready', 'draining'])).toBe('close');
    expect(await connectionHeader(['ready', 'draining', 'stopped'])).toBe('close');
  });

  it('follows the lifecycle as it moves, not as it was when the app was built', async () => {
    const lifecycle = createLifecycle();
    const app = new Hono();
    app.use(closeConnectionsWhenDraining(lifecycle));
    app.get('/', (c) => c.text('ok'));
    lifecycle.advance('ready');
    expect((await app.request('/')).headers.get('connection')).toBeNull();
    lifecycle.advance('draining');
    expect((await app.request('/')).headers.get('connection')).toBe('close');
  });
});
