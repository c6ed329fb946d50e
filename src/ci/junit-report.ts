/**
 * Reading the JUnit XML a tests stage writes: the counts and the failed cases, for the CI report.
 *
 * JUnit XML has no single standard; the writers people use (pytest, Jest's jest-junit, Node's
 * `--test-reporter=junit`, Maven Surefire, Go's go-junit-report) agree on `<testsuites>` /
 * `<testsuite>` holding `<testcase>` elements, nested suites allowed, with `<failure>`, `<error>`
 * and `<skipped>` children. The counts are taken from the test cases themselves rather than the
 * suites' `tests=`/`failures=` attributes, which some writers omit or count differently (Node puts
 * top-level tests directly under `<testsuites>`); a report with no test cases falls back to them.
 */
import { readFile } from 'node:fs/promises';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { CiFailedTest } from './ci-result.js';
import { invalidJUnitReport } from './errors.js';

export interface JUnitCounts {
  readonly tests: number;
  readonly failures: number;
  readonly errors: number;
  readonly skipped: number;
}

export interface JUnitReport {
  readonly counts: JUnitCounts;
  readonly failed: readonly CiFailedTest[];
}

type XmlNode = Record<string, unknown>;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  // Every element that may repeat is read as a list, so one test case reads like many.
  isArray: (name) => ['testsuite', 'testcase', 'failure', 'error', 'skipped'].includes(name),
  processEntities: true,
  htmlEntities: false,
});

/** How many failed cases the report lists by name (the counts are always complete). */
const LISTED_FAILURES = 50;

/** Reads a JUnit XML report. `stage` names the tests stage in errors. */
export async function readJUnitReport(path: string, stage: string): Promise<JUnitReport> {
  const text = await readFile(path, 'utf8');
  return parseJUnitReport(text, { path, stage });
}

/** Parses JUnit XML text; `where` names the file and stage in errors. */
export function parseJUnitReport(text: string, where: { path: string; stage: string }): JUnitReport {
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw invalidJUnitReport({ ...where, problem: `${valid.err.msg} (line ${valid.err.line}, column ${valid.err.col})` });
  const document = parser.parse(text) as XmlNode;
  const root = (document.testsuites as XmlNode | undefined) ?? wrapSuites(document.testsuite);
  if (!root || typeof root !== 'object') throw invalidJUnitReport({ ...where, problem: 'its root element is neither <testsuites> nor <testsuite>' });
  const counts = { tests: 0, failures: 0, errors: 0, skipped: 0 };
  const failed: CiFailedTest[] = [];
  visit(root, '', counts, failed);
  const total = counts.tests > 0 ? counts : fromAttributes(root);
  return { counts: total, failed: failed.slice(0, LISTED_FAILURES) };
}

function wrapSuites(suites: unknown): XmlNode | undefined {
  return Array.isArray(suites) ? { testsuite: suites } : undefined;
}

function visit(node: XmlNode, suiteName: string, counts: { tests: number; failures: number; errors: number; skipped: number }, failed: CiFailedTest[]): void {
  for (const testCase of list(node.testcase)) {
    counts.tests++;
    const failure = list(testCase.failure)[0] ?? list(testCase.error)[0];
    if (list(testCase.failure).length > 0) counts.failures++;
    else if (list(testCase.error).length > 0) counts.errors++;
    else if (list(testCase.skipped).length > 0) counts.skipped++;
    if (failure !== undefined) {
      failed.push({ suite: text(testCase['@classname']) || suiteName, name: text(testCase['@name']), message: firstLine(failure) });
    }
  }
  for (const suite of list(node.testsuite)) visit(suite, text(suite['@name']) || suiteName, counts, failed);
}

/** The suites' own totals, for reports that list no test cases. */
function fromAttributes(root: XmlNode): JUnitCounts {
  const suites = list(root.testsuite);
  const sum = (key: string) => {
    const own = Number(root[`@${key}`]);
    if (Number.isFinite(own) && own > 0) return own;
    return suites.reduce((total, suite) => total + (Number(suite[`@${key}`]) || 0), 0);
  };
  return { tests: sum('tests'), failures: sum('failures'), errors: sum('errors'), skipped: sum('skipped') };
}

function list(value: unknown): XmlNode[] {
  if (value === undefined || value === null) return [];
  const items = Array.isArray(value) ? value : [value];
  // An empty element (`<skipped/>`) parses as '': still an element.
  return items.map((item) => (typeof item === 'object' && item !== null ? (item as XmlNode) : { '#text': item }));
}

function text(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}

/** The failure's message attribute, else the first line of its text. */
function firstLine(element: XmlNode): string {
  const message = text(element['@message']) || text(element['#text']);
  return message.split('\n').map((line) => line.trim()).find((line) => line.length > 0) ?? '';
}
