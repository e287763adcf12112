// A stand-in export worker that takes every request and never answers (a hung export).
import { parentPort } from 'node:worker_threads';

parentPort?.on('message', () => {});
