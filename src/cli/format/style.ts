/** Colour for terminals only: piped output and NO_COLOR stay plain. */
import { styleText } from 'node:util';

type Style = Parameters<typeof styleText>[0];

export function makeStyler(stream: NodeJS.WriteStream): (style: Style, text: string) => string {
  const enabled = stream.isTTY === true && !process.env.NO_COLOR && process.env.TERM !== 'dumb';
  return (style, text) => (enabled ? styleText(style, text) : text);
}
