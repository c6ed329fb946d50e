/** A confusion matrix as a heatmap: rows are true classes, columns predicted, darker is more. */
import { escapeXml } from './escape.js';

export function confusionMatrixSvg(matrix: readonly (readonly number[])[], classes: readonly string[]): string {
  const cell = 56;
  const labelWidth = Math.min(140, 12 + 7 * Math.max(...classes.map((name) => name.length)));
  const width = labelWidth + cell * classes.length + 16;
  const height = 48 + cell * classes.length + 40;
  const max = Math.max(1, ...matrix.flat());
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11" role="img" aria-label="Confusion matrix">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="${width / 2}" y="18" text-anchor="middle" font-size="13" font-weight="bold">Confusion matrix</text>`,
    `<text x="${labelWidth + (cell * classes.length) / 2}" y="${height - 8}" text-anchor="middle">predicted</text>`,
  ];
  matrix.forEach((row, r) => {
    parts.push(`<text x="${labelWidth - 6}" y="${48 + r * cell + cell / 2 + 4}" text-anchor="end">${escapeXml(classes[r] ?? String(r))}</text>`);
    row.forEach((count, c) => {
      const shade = count / max;
      const x = labelWidth + c * cell;
      const y = 32 + 16 + r * cell;
      parts.push(`<rect x="${x}" y="${y}" width="${cell - 2}" height="${cell - 2}" fill="rgb(${Math.round(239 - 202 * shade)},${Math.round(246 - 147 * shade)},${Math.round(255 - 20 * shade)})"/>`);
      parts.push(`<text x="${x + cell / 2}" y="${y + cell / 2 + 4}" text-anchor="middle" fill="${shade > 0.5 ? '#fff' : '#111'}">${count}</text>`);
    });
  });
  classes.forEach((name, c) => parts.push(`<text x="${labelWidth + c * cell + cell / 2}" y="${height - 24}" text-anchor="middle">${escapeXml(name)}</text>`));
  parts.push('</svg>');
  return parts.join('\n');
}
