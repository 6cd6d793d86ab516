/**
 * Reading input files, with one-line errors that name the file. V8's
 * JSON.parse errors quote a snippet of the text ("...丰", "id": x3706..."),
 * which for a ticket or key file would put personal data or key material on
 * the terminal, so that message is reduced to the kind of error and a line
 * and column.
 */
import { readFile } from 'node:fs/promises';
import { InputError } from '../errors.js';

export async function readInputFile(path: string, what: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (e) {
    throw fileError(e, path, what);
  }
}

/** The one-line reason a file could not be read, e.g. "ticket file x.json does not exist". */
export function fileError(e: unknown, path: string, what: string): InputError {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOENT') return new InputError(`${what} ${path} does not exist`);
  if (code === 'EACCES' || code === 'EPERM') return new InputError(`${what} ${path} is not readable (permission denied)`);
  if (code === 'EISDIR') return new InputError(`${what} ${path} is a directory, not a file`);
  return new InputError(`cannot read ${what} ${path}: ${code ?? (e as Error).message}`);
}

/** Parses JSON text; errors say where, never what (see the file comment). */
export function parseJson(text: string, where: string): unknown {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  try {
    return JSON.parse(body);
  } catch (e) {
    throw new InputError(`${where} is not valid JSON (${describeSyntaxError(e instanceof Error ? e.message : '', body)})`);
  }
}

/** V8's message without its quoted snippet, plus line and column where they can be recovered. */
function describeSyntaxError(message: string, text: string): string {
  const positioned = /^([^"]*?) in JSON at position (\d+)/.exec(message);
  if (positioned) return `${positioned[1].toLowerCase()} ${lineAndColumn(text, Number(positioned[2]))}`;
  if (message.startsWith('Unexpected end of JSON input')) return 'unexpected end of input';
  // "Unexpected token 'x', ..."<10 characters before>x<10 after>"... is not valid JSON"
  const token = /^Unexpected token '(.)', (\.\.\.)?"([\s\S]*?)"(\.\.\.)? is not valid JSON$/.exec(message);
  if (!token) return 'syntax error';
  const [, ch, leading, snippet, trailing] = token;
  const start = text.indexOf(snippet);
  let offset = leading ? 10 : trailing ? snippet.length - 10 : snippet.lastIndexOf(ch);
  if (start < 0 || text[start + offset] !== ch) offset = -1;
  return offset < 0 ? 'unexpected character' : `unexpected character ${lineAndColumn(text, start + offset)}`;
}

function lineAndColumn(text: string, position: number): string {
  const before = text.slice(0, position);
  return `at line ${before.split('\n').length}, column ${position - before.lastIndexOf('\n')}`;
}

export async function readJsonFile(path: string, what: string): Promise<unknown> {
  const bytes = await readInputFile(path, what);
  return parseJson(bytes.toString('utf8'), `${what} ${path}`);
}
