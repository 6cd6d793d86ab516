/**
 * The validator's display in the simulator: keeps every screen shown, with
 * its simulated time, and draws the current one as a box for a terminal.
 */
import type { Screen, TextDisplay } from '../../firmware/display/text-display.js';
import type { HostLoop } from '../host/loop.js';

export interface Frame {
  readonly at: number;
  readonly screen: Screen;
}

const TONE_COLOUR: Record<Screen['tone'], string> = {
  idle: '0',
  accept: '42;30',
  reject: '41;97',
  repeat: '46;30',
  warning: '43;30',
  menu: '47;30',
};

/** Columns a string takes in a terminal: CJK and full-width forms take two. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    width += (c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0xa4cf) || (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xf900 && c <= 0xfaff) || (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) || (c >= 0xffe0 && c <= 0xffe6) ? 2 : 1;
  }
  return width;
}

export class RecordingDisplay implements TextDisplay {
  readonly #loop: HostLoop;
  readonly #frames: Frame[] = [];
  readonly #onShow: ((frame: Frame) => void) | undefined;
  #closed = false;

  constructor(loop: HostLoop, options: { onShow?: (frame: Frame) => void } = {}) {
    this.#loop = loop;
    this.#onShow = options.onShow;
  }

  show(screen: Screen): void {
    if (this.#closed) throw new Error('display is closed');
    const frame = { at: this.#loop.now(), screen: { tone: screen.tone, lines: [...screen.lines] } };
    this.#frames.push(frame);
    this.#onShow?.(frame);
  }

  close(): void {
    this.#closed = true;
  }

  get frames(): readonly Frame[] {
    return this.#frames;
  }

  get current(): Screen | undefined {
    return this.#frames[this.#frames.length - 1]?.screen;
  }

  /** The current screen as one string, lines joined by newlines (for assertions). */
  get text(): string {
    return this.current?.lines.join('\n') ?? '';
  }

  /** A boxed drawing of a screen, coloured by tone when `colour` is set. */
  static draw(screen: Screen, options: { colour?: boolean; width?: number } = {}): string {
    const width = Math.max(options.width ?? 30, ...screen.lines.map(displayWidth));
    const paint = (s: string) => (options.colour && screen.tone !== 'idle' ? `\x1b[${TONE_COLOUR[screen.tone]}m${s}\x1b[0m` : s);
    const rows = screen.lines.map((line) => `│${paint(line + ' '.repeat(width - displayWidth(line)))}│`);
    return [`┌${'─'.repeat(width)}┐`, ...rows, `└${'─'.repeat(width)}┘`].join('\n');
  }
}
