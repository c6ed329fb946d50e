/**
 * @module reports
 * Rendering results where people look: terminal tables, Markdown for pull requests.
 */
export { gateRows, renderGateMarkdown, type GateRow } from './gate-report.js';
