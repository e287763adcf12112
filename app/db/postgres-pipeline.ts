/**
 * How many queries postgres.js may queue on a connection behind the one it is running
 * (`max_pipeline`; 100 by default). Under sustained load its default is a trap: connections
 * with queries in flight wait in a queue whose `shift` leaves a hole at the front and whose
 * `remove` scans the holes (postgres.js 3.4), and that queue never empties while every
 * connection stays busy, so each query scanned a longer array than the last: on one core,
 * 50 concurrent `select 1` on 10 connections went from 26 to 66 µs of CPU a query in 7 s.
 * With one query queued behind the running one, a connection is full at its second query,
 * the busy queue empties all the time, and a query costs a steady 13–14 µs; with none
 * (no pipelining) 19 µs. The API and the bench baselines use the same value.
 */
const POSTGRES_MAX_PIPELINE = 1;

/**
 * The option as postgres.js reads it: its defaults list `max_pipeline` and it takes it from the
 * options like any other, but its type declarations leave it out. Spread into the options.
 */
export const POSTGRES_PIPELINE_OPTION: object = { max_pipeline: POSTGRES_MAX_PIPELINE };
