/**
 * A grid of shaded cells, rows × columns, for many small series at once (each feature's drift
 * score across a monitor's windows): darker is more, flagged cells (drifted) are red and outlined,
 * missing cells are pale grey, and every cell carries its exact values as a tooltip. Hand-written
 * for the reason given in line-chart.ts.
 */
import { escapeXml } from './escape.js';

export interface HeatCell {
  /** 0 (lightest) to 1 (darkest); values outside are clamped. */
  readonly shade: number;
  readonly flagged: boolean;
  readonly tip: string;
}

export interface HeatmapOptions {
  readonly title: string;
  readonly rowLabels: readonly string[];
  /** One label per column; a few are written under the grid, all are in the tooltips' context. */
  readonly columnLabels: readonly string[];
  /** cells[row][column]; null where there is no value. */
  readonly cells: readonly (readonly (HeatCell | null)[])[];
  readonly xLabel?: string;
  /** The legend's words for a flagged and a plain cell. */
  readonly legend?: { readonly flagged: string; readonly plain: string };
}

const ROW_HEIGHT = 14;
const TOP = 30;

function fill(cell: HeatCell): string {
  const shade = Math.min(1, Math.max(0, Number.isFinite(cell.shade) ? cell.shade : 1));
  // Blue from #eff6ff to #1d4ed8; flagged: red from #fee2e2 to #b91c1c.
  return cell.flagged
    ? `rgb(${Math.round(254 - 69 * shade)},${Math.round(226 - 198 * shade)},${Math.round(226 - 198 * shade)})`
    : `rgb(${Math.round(239 - 210 * shade)},${Math.round(246 - 168 * shade)},${Math.round(255 - 39 * shade)})`;
}

export function heatmapSvg(options: HeatmapOptions): string {
  const columns = Math.max(1, options.columnLabels.length);
  const cellWidth = Math.min(28, Math.max(3, Math.floor(640 / columns)));
  const labelWidth = Math.min(180, Math.max(60, 12 + 6.5 * Math.max(0, ...options.rowLabels.map((label) => label.length))));
  const gridWidth = cellWidth * columns;
  const width = Math.max(320, labelWidth + gridWidth + 16);
  const gridBottom = TOP + ROW_HEIGHT * options.rowLabels.length;
  const height = gridBottom + 58;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="10" role="img" aria-label="${escapeXml(options.title)}">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="8" y="18" font-size="13" font-weight="bold">${escapeXml(options.title)}</text>`,
  ];
  options.rowLabels.forEach((label, row) => {
    const y = TOP + row * ROW_HEIGHT;
    parts.push(`<text x="${labelWidth - 6}" y="${y + ROW_HEIGHT - 4}" text-anchor="end">${escapeXml(label)}</text>`);
    options.cells[row]?.forEach((cell, column) => {
      const x = labelWidth + column * cellWidth;
      if (cell === null) {
        parts.push(`<rect class="cell empty" x="${x}" y="${y}" width="${cellWidth - 1}" height="${ROW_HEIGHT - 1}" fill="#f3f4f6"/>`);
        return;
      }
      const outline = cell.flagged ? ' stroke="#7f1d1d" stroke-width="1"' : '';
      parts.push(`<rect class="cell${cell.flagged ? ' flagged' : ''}" x="${x}" y="${y}" width="${cellWidth - 1}" height="${ROW_HEIGHT - 1}" fill="${fill(cell)}"${outline}><title>${escapeXml(cell.tip)}</title></rect>`);
    });
  });
  // Column labels under the grid, at least 110 px apart, the first and last always.
  const every = Math.max(1, Math.ceil(110 / cellWidth));
  const shown = options.columnLabels.map((_, column) => column).filter((column) => column % every === 0 || column === columns - 1);
  if (shown.length > 1 && shown.at(-1)! - shown.at(-2)! < every) shown.splice(-2, 1);
  for (const column of shown) {
    const x = labelWidth + column * cellWidth + cellWidth / 2;
    parts.push(`<line x1="${x}" y1="${gridBottom}" x2="${x}" y2="${gridBottom + 4}" stroke="#444"/>`);
    const anchor = column === 0 && columns > 1 ? 'start' : column === columns - 1 && columns > 1 ? 'end' : 'middle';
    parts.push(`<text x="${anchor === 'start' ? x - cellWidth / 2 : anchor === 'end' ? x + cellWidth / 2 : x}" y="${gridBottom + 15}" text-anchor="${anchor}">${escapeXml(options.columnLabels[column] ?? '')}</text>`);
  }
  if (options.xLabel) parts.push(`<text x="${labelWidth + gridWidth / 2}" y="${gridBottom + 30}" text-anchor="middle">${escapeXml(options.xLabel)}</text>`);
  const legend = options.legend ?? { flagged: 'flagged', plain: 'not flagged' };
  parts.push(`<rect x="${labelWidth}" y="${height - 14}" width="10" height="10" fill="${fill({ shade: 0.8, flagged: true, tip: '' })}"/><text x="${labelWidth + 14}" y="${height - 5}">${escapeXml(legend.flagged)}</text>`);
  parts.push(`<rect x="${labelWidth + 120}" y="${height - 14}" width="10" height="10" fill="${fill({ shade: 0.5, flagged: false, tip: '' })}"/><text x="${labelWidth + 134}" y="${height - 5}">${escapeXml(legend.plain)}</text>`);
  parts.push('</svg>');
  return parts.join('\n');
}
