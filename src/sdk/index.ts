/** @module client Sluice's programmatic API for user code: tracking runs from TypeScript or JavaScript. */
export { ActiveRun, Tracking, type OpenOptions, type StartRunOptions } from './tracking-client.js';
