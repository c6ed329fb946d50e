// Minimal CSV for the example's numeric tables (no quoting needed: every field is a number).
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export function readCsv(path) {
  const [header, ...lines] = readFileSync(path, 'utf8').trim().split('\n');
  const columns = header.split(',');
  const rows = lines.map((line) => line.split(',').map(Number));
  return { columns, rows };
}

export function writeCsv(path, columns, rows) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, [columns.join(','), ...rows.map((row) => row.join(','))].join('\n') + '\n');
}

/** Parses `--name value` flags. */
export function flag(name, fallback) {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : fallback;
}

export function readParams() {
  // params.yaml is flat enough to read without a YAML library: "section:" then "  key: value".
  const params = {};
  let section;
  for (const line of readFileSync('params.yaml', 'utf8').split('\n')) {
    const top = /^(\w+):\s*$/.exec(line);
    const entry = /^\s+(\w+):\s*([^#]+)/.exec(line);
    if (top) params[(section = top[1])] = {};
    else if (entry && section) params[section][entry[1]] = Number(entry[2]);
  }
  return params;
}
