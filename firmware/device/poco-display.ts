/**
 * The validator's TextDisplay on the device's colour LCD, drawn with
 * Moddable's Poco renderer (commodetto). Layout is screen-layout.ts; this
 * only measures with the font and paints: one full frame per show(), which
 * Poco sends to the panel as it renders.
 */
import type { Screen, TextDisplay } from '../display/text-display.js';
import { layoutScreen, type Rgb, type TextMetrics } from './screen-layout.js';

/** The part of commodetto/Poco the display uses. */
export interface PocoRenderer {
  readonly width: number;
  readonly height: number;
  begin(): void;
  end(): void;
  makeColor(r: number, g: number, b: number): number;
  fillRectangle(color: number, x: number, y: number, width: number, height: number): void;
  drawText(text: string, font: PocoFont, color: number, x: number, y: number, width?: number): void;
  getTextWidth(text: string, font: PocoFont): number;
  close?(): void;
}

/** A font from commodetto/parseBMF, as far as the display needs it. */
export interface PocoFont {
  /** Line height the font was made with, pixels. */
  readonly height: number;
}

export interface PocoDisplayOptions {
  readonly poco: PocoRenderer;
  readonly font: PocoFont;
  /** Blank pixels on every side; default 6. */
  readonly margin?: number;
  /** Extra pixels between rows; default 2. */
  readonly leading?: number;
}

export class PocoDisplay implements TextDisplay {
  readonly #poco: PocoRenderer;
  readonly #font: PocoFont;
  readonly #metrics: TextMetrics;
  #closed = false;

  constructor(options: PocoDisplayOptions) {
    const o = { ...options };
    const poco = o.poco;
    const font = o.font;
    this.#poco = poco;
    this.#font = font;
    this.#metrics = Object.freeze({
      width: poco.width,
      height: poco.height,
      lineHeight: font.height + (o.leading ?? 2),
      margin: o.margin ?? 6,
      measure: (text: string) => poco.getTextWidth(text, font),
    });
  }

  show(screen: Screen): void {
    if (this.#closed) throw new Error('display is closed');
    const layout = layoutScreen(screen, this.#metrics);
    const poco = this.#poco;
    const colour = (c: Rgb) => poco.makeColor(c.r, c.g, c.b);
    const width = this.#metrics.width - 2 * this.#metrics.margin;
    poco.begin();
    poco.fillRectangle(colour(layout.background), 0, 0, poco.width, poco.height);
    const ink = colour(layout.foreground);
    for (const line of layout.lines) poco.drawText(line.text, this.#font, ink, line.x, line.y, width);
    poco.end();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#poco.close?.();
  }
}
