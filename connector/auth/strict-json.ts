/**
 * JSON.parse quietly keeps the last of two equal keys and so lets `{"alg":"RS256","alg":"none"}` mean different
 * things to different parsers (security-checklist JWT-08). This checker walks the text once and refuses a
 * duplicate key (after unescaping: `"alg"` and `"\u0061lg"` are the same key) and nesting deeper than a limit;
 * the value itself then comes from JSON.parse, which refuses every other malformation and trailing data.
 */
export class StrictJsonError extends Error {
  override readonly name = 'StrictJsonError';
}

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);
// eslint-disable-next-line no-control-regex -- JSON strings may not hold raw control characters (RFC 8259 §7)
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
const LITERAL = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?|true|false|null/y;

class Walker {
  private at = 0;

  constructor(
    private readonly text: string,
    private readonly maxDepth: number,
  ) {}

  private fail(what: string): never {
    throw new StrictJsonError(`${what} at offset ${this.at}`);
  }

  private skipSpace(): void {
    while (this.at < this.text.length && WHITESPACE.has(this.text[this.at]!)) this.at++;
  }

  private token(pattern: RegExp): string {
    pattern.lastIndex = this.at;
    const m = pattern.exec(this.text);
    if (!m) this.fail('malformed JSON');
    this.at += m[0].length;
    return m[0];
  }

  private expect(char: string): void {
    this.skipSpace();
    if (this.text[this.at] !== char) this.fail(`expected ${char}`);
    this.at++;
  }

  value(depth: number): void {
    if (depth > this.maxDepth) this.fail('nesting too deep');
    this.skipSpace();
    const c = this.text[this.at];
    if (c === '{') this.object(depth);
    else if (c === '[') this.array(depth);
    else if (c === '"') this.token(STRING);
    else this.token(LITERAL);
  }

  private object(depth: number): void {
    this.at++;
    const keys = new Set<string>();
    this.skipSpace();
    if (this.text[this.at] === '}') {
      this.at++;
      return;
    }
    for (;;) {
      this.skipSpace();
      const key = JSON.parse(this.token(STRING)) as string;
      if (keys.has(key)) this.fail(`duplicate key ${JSON.stringify(key.slice(0, 32))}`);
      keys.add(key);
      this.expect(':');
      this.value(depth + 1);
      this.skipSpace();
      const next = this.text[this.at++];
      if (next === '}') return;
      if (next !== ',') this.fail('expected , or }');
    }
  }

  private array(depth: number): void {
    this.at++;
    this.skipSpace();
    if (this.text[this.at] === ']') {
      this.at++;
      return;
    }
    for (;;) {
      this.value(depth + 1);
      this.skipSpace();
      const next = this.text[this.at++];
      if (next === ']') return;
      if (next !== ',') this.fail('expected , or ]');
    }
  }

  end(): void {
    this.skipSpace();
    if (this.at !== this.text.length) this.fail('trailing data');
  }
}

/** Parses a JSON object strictly: no duplicate keys at any level, at most `maxDepth` levels, nothing after it. */
export function parseStrictJsonObject(text: string, maxDepth = 8): Record<string, unknown> {
  const walker = new Walker(text, maxDepth);
  walker.value(0);
  walker.end();
  const value: unknown = JSON.parse(text);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new StrictJsonError('not a JSON object');
  return value as Record<string, unknown>;
}
