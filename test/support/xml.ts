/**
 * A small XML well-formedness check for the SVG the reports write (no dependency): one root
 * element, tags nest and close, attributes are quoted and unique, text and attribute values hold
 * no raw `<` and only the predefined or numeric entities.
 */

export interface XmlElement {
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: XmlElement[];
  /** The element's own text, entities decoded. */
  text: string;
}

const NAME = /^[A-Za-z_:][\w.:-]*/;
const ENTITY = /&(?:#[0-9]+|#x[0-9a-fA-F]+|amp|lt|gt|quot|apos);/y;

function decode(text: string, where: string): string {
  for (let at = text.indexOf('&'); at >= 0; at = text.indexOf('&', at + 1)) {
    ENTITY.lastIndex = at;
    if (!ENTITY.test(text)) throw new Error(`bare & at ${where}: ${JSON.stringify(text.slice(at, at + 12))}`);
  }
  return text
    .replace(/&#x([0-9a-fA-F]+);/g, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)))
    .replace(/&#([0-9]+);/g, (_, dec: string) => String.fromCodePoint(Number(dec)))
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&quot;', '"')
    .replaceAll('&apos;', "'")
    .replaceAll('&amp;', '&');
}

/** Parses `xml` (one element, optional surrounding whitespace) or throws saying what is wrong. */
export function parseXml(xml: string): XmlElement {
  let at = 0;
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  const fail = (problem: string): never => {
    throw new Error(`${problem} at offset ${at}: ${JSON.stringify(xml.slice(Math.max(0, at - 30), at + 30))}`);
  };
  while (at < xml.length) {
    const open = xml.indexOf('<', at);
    const text = xml.slice(at, open < 0 ? xml.length : open);
    if (text.includes('>')) fail('a raw > in text');
    const current = stack.at(-1);
    if (current) current.text += decode(text, `text of <${current.name}>`);
    else if (text.trim()) fail('text outside the root element');
    if (open < 0) break;
    at = open;
    if (xml.startsWith('<!--', at)) {
      const end = xml.indexOf('-->', at);
      if (end < 0) fail('an unclosed comment');
      at = end + 3;
      continue;
    }
    if (xml.startsWith('</', at)) {
      const name = NAME.exec(xml.slice(at + 2))?.[0] ?? fail('a closing tag without a name');
      const end = xml.indexOf('>', at);
      if (end < 0 || xml.slice(at + 2 + name.length, end).trim()) fail('a malformed closing tag');
      const top = stack.pop();
      if (!top || top.name !== name) fail(`</${name}> closes <${top?.name ?? 'nothing'}>`);
      at = end + 1;
      continue;
    }
    const name = NAME.exec(xml.slice(at + 1))?.[0] ?? fail('a < that starts no tag');
    at += 1 + name.length;
    const attributes: Record<string, string> = {};
    for (;;) {
      const space = /^\s*/.exec(xml.slice(at))![0];
      at += space.length;
      if (xml.startsWith('/>', at) || xml.startsWith('>', at)) break;
      if (!space) fail('attributes must be separated by whitespace');
      const attribute = /^([A-Za-z_:][\w.:-]*)\s*=\s*("([^"<]*)"|'([^'<]*)')/.exec(xml.slice(at)) ?? fail(`a malformed attribute in <${name}>`);
      const key = attribute[1]!;
      if (key in attributes) fail(`attribute ${key} twice in <${name}>`);
      attributes[key] = decode(attribute[3] ?? attribute[4] ?? '', `${name}@${key}`);
      at += attribute[0].length;
    }
    const element: XmlElement = { name, attributes, children: [], text: '' };
    const parent = stack.at(-1);
    if (parent) parent.children.push(element);
    else if (root) fail('a second root element');
    else root = element;
    if (xml.startsWith('/>', at)) at += 2;
    else {
      at += 1;
      stack.push(element);
    }
  }
  if (stack.length > 0) throw new Error(`unclosed <${stack.at(-1)!.name}>`);
  if (!root) throw new Error('no element');
  return root;
}

/** Every element in document order, the root first. */
export function allElements(root: XmlElement): XmlElement[] {
  return [root, ...root.children.flatMap(allElements)];
}

/** The `<svg>…</svg>` fragments inlined in an HTML page. */
export function svgFragments(html: string): string[] {
  return html.match(/<svg[\s>][\s\S]*?<\/svg>/g) ?? [];
}
