/**
 * Finds where and why JSON is invalid. `JSON.parse` gives no position for some errors (`tru`) and quotes
 * pieces of the file in its message (which may hold a token), so we re-scan the text ourselves once
 * parsing has failed, and say what to do about the usual mistakes (trailing commas, comments, `C:\`).
 */

/** Where the first syntax error is (0-based offset), what it is and how to fix it. */
export interface JsonSyntaxError {
  offset: number;
  message: string;
  fix: string;
}

class Stop {
  readonly error: JsonSyntaxError;
  constructor(error: JsonSyntaxError) {
    this.error = error;
  }
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/** The first syntax error in `text`, or undefined when it is valid JSON (or too deeply nested to scan). */
export function findJsonSyntaxError(text: string): JsonSyntaxError | undefined {
  let i = 0;
  const fail = (message: string, fix: string, at = i): never => {
    throw new Stop({ offset: at, message, fix });
  };

  const endOfFile = (): void => {
    if (i >= text.length) fail('unexpected end of file', 'close every { and [ that is opened');
  };

  const ws = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i] as string)) i++;
    if (text[i] === '/' && (text[i + 1] === '/' || text[i + 1] === '*')) {
      fail('comments are not allowed in JSON', 'remove the comment, or use a .yaml file and # comments');
    }
  };

  const string = (): void => {
    i++;
    for (;;) {
      const c = text[i];
      if (c === undefined) fail('unterminated string', 'add the closing double quote');
      if (c === '"') return void i++;
      if ((c as string) < ' ') fail('line break inside a string', 'close the string on the same line');
      if (c !== '\\') {
        i++;
        continue;
      }
      const e = text[i + 1] ?? '';
      if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) i += 6;
      else if (e !== '' && '"\\/bfnrt'.includes(e)) i += 2;
      else fail('invalid escape sequence', 'double every backslash, e.g. "C:\\\\Users\\\\me"');
    }
  };

  const container = (close: '}' | ']'): void => {
    i++;
    ws();
    if (text[i] === close) return void i++;
    for (;;) {
      endOfFile();
      if (close === '}') {
        if (text[i] !== '"')
          fail('expected a property name in double quotes', 'quote the name: "name": value');
        string();
        ws();
        if (text[i] !== ':') fail("expected ':' after the property name", 'write "name": value');
        i++;
      }
      value();
      ws();
      endOfFile();
      if (text[i] === close) return void i++;
      if (text[i] !== ',')
        fail(`expected ',' or '${close}'`, `add a comma between entries, or close with ${close}`);
      const comma = i++;
      ws();
      if (text[i] === close) fail(`trailing comma before '${close}'`, 'remove this comma', comma);
    }
  };

  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{' || c === '[') container(c === '{' ? '}' : ']');
    else if (c === '"') string();
    else i = scalarEnd(c);
  };

  const scalarEnd = (c: string | undefined): number => {
    NUMBER.lastIndex = i;
    const num = NUMBER.exec(text);
    if (num) return i + num[0].length;
    const literal = ['true', 'false', 'null'].find((word) => text.startsWith(word, i));
    if (literal) return i + literal.length;
    endOfFile();
    if (c === "'") fail('strings must use double quotes', 'replace the single quotes with double quotes');
    return fail(
      'expected a value',
      'write a string in double quotes, a number, true, false, null, {...} or [...]',
    );
  };

  try {
    value();
    ws();
    if (i < text.length)
      fail('unexpected text after the end of the JSON', 'remove it; a file holds one {...}');
    return undefined;
  } catch (e) {
    if (e instanceof Stop) return e.error;
    return undefined; // RangeError from extreme nesting: the caller falls back to JSON.parse's position
  }
}

/** 1-based line and column of a 0-based offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}
