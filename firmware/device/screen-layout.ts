/**
 * How a Screen (a tone and a few lines of text) lands on a small colour LCD:
 * which colours the tone means, where each line breaks to fit the width, and
 * what gives way when there are more lines than rows. Pure: the font is only
 * a measuring function, so this runs and is tested without a display;
 * poco-display.ts draws the result.
 *
 * Breaking follows how Chinese and English are set: between any two Han
 * characters, after spaces, never inside a Latin word unless the word alone
 * is wider than the screen, never before closing punctuation (，。) or after
 * opening punctuation (（《).
 */
import { ScreenTone, type Screen } from '../display/text-display.js';

export interface Rgb {
  readonly r: number;
  readonly g: number;
  readonly b: number;
}

export interface TonePalette {
  readonly background: Rgb;
  readonly foreground: Rgb;
}

/** The same meaning as the LEDs: green goes, red stops, amber look again; dark when idle. */
export const TONE_PALETTE: Readonly<Record<ScreenTone, TonePalette>> = Object.freeze({
  [ScreenTone.IDLE]: Object.freeze({ background: Object.freeze({ r: 0, g: 0, b: 0 }), foreground: Object.freeze({ r: 255, g: 255, b: 255 }) }),
  [ScreenTone.ACCEPT]: Object.freeze({ background: Object.freeze({ r: 0, g: 128, b: 0 }), foreground: Object.freeze({ r: 255, g: 255, b: 255 }) }),
  [ScreenTone.REJECT]: Object.freeze({ background: Object.freeze({ r: 192, g: 0, b: 0 }), foreground: Object.freeze({ r: 255, g: 255, b: 255 }) }),
  [ScreenTone.REPEAT]: Object.freeze({ background: Object.freeze({ r: 0, g: 160, b: 176 }), foreground: Object.freeze({ r: 0, g: 0, b: 0 }) }),
  [ScreenTone.WARNING]: Object.freeze({ background: Object.freeze({ r: 255, g: 176, b: 0 }), foreground: Object.freeze({ r: 0, g: 0, b: 0 }) }),
  [ScreenTone.MENU]: Object.freeze({ background: Object.freeze({ r: 232, g: 232, b: 232 }), foreground: Object.freeze({ r: 0, g: 0, b: 0 }) }),
});

/** Marks a line cut short. The device font must carry it (manifests/validator.json). */
export const ELLIPSIS = '…';

/** The text area and the font, as far as layout needs them. */
export interface TextMetrics {
  /** Screen size in pixels. */
  readonly width: number;
  readonly height: number;
  /** From the top of one row to the top of the next, pixels. */
  readonly lineHeight: number;
  /** Blank pixels kept on every side. */
  readonly margin: number;
  /** Width in pixels the font draws `text` in. */
  measure(text: string): number;
}

export interface PlacedLine {
  readonly text: string;
  /** Top-left corner of the line's box, pixels. */
  readonly x: number;
  readonly y: number;
}

export interface Layout {
  readonly background: Rgb;
  readonly foreground: Rgb;
  readonly lines: readonly PlacedLine[];
}

const CLOSING = '，。、：；！？）》」』〉】”’,.:;!?)]}%';
const OPENING = '（《「『〈【“‘([{';

/** Han, kana, Hangul and full-width forms: a line may break on either side of them. */
function isWide(ch: string): boolean {
  const c = ch.codePointAt(0) ?? 0;
  return (c >= 0x2e80 && c <= 0xa4cf) || (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xf900 && c <= 0xfaff) || (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60);
}

function isSpace(ch: string): boolean {
  return ch === ' ' || ch === '\t' || ch === '\u3000';
}

function breakBetween(before: string, after: string): boolean {
  if (CLOSING.includes(after) || OPENING.includes(before)) return false;
  if (isSpace(before)) return !isSpace(after);
  return isWide(before) || isWide(after);
}

/** `text` cut into the pieces a line may end after (spaces stay with the piece before them). */
function pieces(text: string): string[] {
  const chars = Array.from(text);
  const out: string[] = [];
  let piece = '';
  for (let i = 0; i < chars.length; i++) {
    if (i > 0 && breakBetween(chars[i - 1], chars[i])) {
      out.push(piece);
      piece = '';
    }
    piece += chars[i];
  }
  if (piece) out.push(piece);
  return out;
}

/** The longest prefix of `text` (whole characters) that fits in `maxWidth`; at least one character. */
function fittingPrefix(text: string, maxWidth: number, measure: (text: string) => number): string {
  const chars = Array.from(text);
  let fit = chars[0] ?? '';
  for (let n = 2; n <= chars.length; n++) {
    const candidate = chars.slice(0, n).join('');
    if (measure(candidate) > maxWidth) break;
    fit = candidate;
  }
  return fit;
}

/**
 * Breaks one line of text into rows no wider than `maxWidth`. Spaces at a
 * break disappear; a piece wider than a whole row is cut by character.
 * An empty line stays one empty row.
 */
export function wrapText(text: string, maxWidth: number, measure: (text: string) => number): string[] {
  const rows: string[] = [];
  let row = '';
  const queue = pieces(text);
  while (queue.length > 0) {
    const piece = queue.shift() as string;
    const candidate = row + piece;
    if (measure(candidate.trimEnd()) <= maxWidth) {
      row = candidate;
      continue;
    }
    if (row.trim()) {
      rows.push(row.trimEnd());
      row = '';
      queue.unshift(piece.trimStart());
      continue;
    }
    // Alone on its row (after at most some leading spaces) and still too wide: cut it.
    row = '';
    const head = fittingPrefix(piece, maxWidth, measure);
    rows.push(head.trimEnd());
    const rest = piece.slice(head.length).trimStart();
    if (rest) queue.unshift(rest);
  }
  if (row.trim() || rows.length === 0) rows.push(row.trimEnd());
  return rows;
}

/** A row that continues beyond the screen: as much of it as fits with the ellipsis after it. */
export function cutWithEllipsis(row: string, maxWidth: number, measure: (text: string) => number): string {
  const chars = Array.from(row.trimEnd());
  while (chars.length > 0 && measure(chars.join('').trimEnd() + ELLIPSIS) > maxWidth) chars.pop();
  return chars.join('').trimEnd() + ELLIPSIS;
}

/**
 * Places a screen's lines. When they do not all fit: every line gets at
 * least one row, earlier lines get their wrapped rows first, and a line
 * that lost rows ends in an ellipsis. With more lines than rows, the last
 * line (the status: link, backlog, log full, clock) is kept and the ones
 * above it give way.
 */
export function layoutScreen(screen: Screen, metrics: TextMetrics): Layout {
  const { background, foreground } = TONE_PALETTE[screen.tone] ?? TONE_PALETTE[ScreenTone.IDLE];
  const innerWidth = Math.max(0, metrics.width - 2 * metrics.margin);
  const rows = Math.max(1, Math.floor((metrics.height - 2 * metrics.margin) / metrics.lineHeight));
  const measure = (text: string) => metrics.measure(text);

  let source = [...screen.lines];
  if (source.length > rows) source = [...source.slice(0, rows - 1), source[source.length - 1]];
  const wrapped = source.map((line) => wrapText(line, innerWidth, measure));

  // One row each, then spare rows to the lines that want them, top first.
  const allotted = wrapped.map(() => 1);
  let spare = rows - wrapped.length;
  for (let i = 0; i < wrapped.length && spare > 0; i++) {
    const extra = Math.min(wrapped[i].length - 1, spare);
    allotted[i] += extra;
    spare -= extra;
  }

  const out: string[] = [];
  wrapped.forEach((lineRows, i) => {
    const kept = lineRows.slice(0, allotted[i]);
    if (lineRows.length > allotted[i]) kept[kept.length - 1] = cutWithEllipsis(kept[kept.length - 1], innerWidth, measure);
    out.push(...kept);
  });

  return {
    background,
    foreground,
    lines: out.map((text, row) => ({ text, x: metrics.margin, y: metrics.margin + row * metrics.lineHeight })),
  };
}
