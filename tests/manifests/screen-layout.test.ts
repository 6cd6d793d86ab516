/**
 * The device display's layout (firmware/device/screen-layout.ts): what a
 * driver sees on the 320x240 LCD, with the metrics of a 16-pixel CJK font
 * (Han and full-width forms 16 px wide, everything else 8 px).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ScreenTone } from '../../firmware/display/text-display.js';
import { homeScreen, menuScreen } from '../../firmware/display/screens.js';
import { TEXT } from '../../firmware/display/texts.js';
import { ELLIPSIS, TONE_PALETTE, layoutScreen, wrapText, type TextMetrics } from '../../firmware/device/screen-layout.js';
import { TRIP } from '../protocol/fixtures.js';

function glyphWidth(ch: string): number {
  const c = ch.codePointAt(0)!;
  return (c >= 0x2e80 && c <= 0xa4cf) || (c >= 0xff00 && c <= 0xff60) || c === 0x2026 ? 16 : 8;
}
const measure = (text: string) => Array.from(text).reduce((w, ch) => w + glyphWidth(ch), 0);
const LCD: TextMetrics = { width: 320, height: 240, lineHeight: 24, margin: 6, measure };
const INNER = LCD.width - 2 * LCD.margin;

describe('wrapText', () => {
  it('breaks Chinese between characters, as wide as the row allows', () => {
    expect(wrapText('签名无效 疑似伪造', 64, measure)).toEqual(['签名无效', '疑似伪造']);
    expect(wrapText('设备故障请人工核验', 64, measure)).toEqual(['设备故障', '请人工核', '验']);
  });

  it('breaks English at spaces, never inside a word that fits a row', () => {
    expect(wrapText('Partial read - scan again', 96, measure)).toEqual(['Partial read', '- scan again']);
    expect(wrapText('Device fault - check by hand', 80, measure)).toEqual(['Device', 'fault -', 'check by', 'hand']);
  });

  it('cuts a word wider than the whole row by character', () => {
    expect(wrapText('4401**********1234', 64, measure)).toEqual(['4401****', '******12', '34']);
  });

  it('keeps closing punctuation with the character before it and opening punctuation with the one after', () => {
    const rows = wrapText('请出示乘车码，谢谢。（请勿折叠）', 48, measure);
    expect(rows.join('')).toBe('请出示乘车码，谢谢。（请勿折叠）');
    for (const row of rows) {
      expect('，。）').not.toContain(row[0]);
      expect(row.endsWith('（')).toBe(false);
    }
  });

  it('leaves an empty line as one empty row', () => {
    expect(wrapText('', 100, measure)).toEqual(['']);
  });

  it('never loses or reorders text, never makes a row too wide, drops spaces only at breaks', () => {
    const alphabet = fc.constantFrom(...'张*丰验票通过请上车 abcXYZ0123-→，。（）'.split(''));
    fc.assert(fc.property(fc.array(alphabet, { maxLength: 60 }).map((cs) => cs.join('')), fc.integer({ min: 16, max: 200 }), (text, width) => {
      const rows = wrapText(text, width, measure);
      expect(rows.join('').replace(/ /g, '')).toBe(text.replace(/ /g, ''));
      rows.forEach((row, i) => {
        expect(measure(row)).toBeLessThanOrEqual(width);
        // Leading spaces of the line itself are kept (the menu indents with them); a break eats its spaces.
        expect(row).toBe(i === 0 ? row.trimEnd() : row.trim());
      });
    }));
  });
});

describe('layoutScreen', () => {
  it('paints each tone in its own colours: green accept, red reject, amber warning, dark idle', () => {
    const bg = (tone: ScreenTone) => layoutScreen({ tone, lines: ['x'] }, LCD).background;
    expect(bg(ScreenTone.ACCEPT)).toEqual({ r: 0, g: 128, b: 0 });
    expect(bg(ScreenTone.REJECT)).toEqual({ r: 192, g: 0, b: 0 });
    expect(bg(ScreenTone.WARNING)).toEqual(TONE_PALETTE.warning.background);
    expect(bg(ScreenTone.IDLE)).toEqual({ r: 0, g: 0, b: 0 });
    const backgrounds = Object.values(ScreenTone).map((t) => JSON.stringify(bg(t)));
    expect(new Set(backgrounds).size).toBe(backgrounds.length);
    for (const tone of Object.values(ScreenTone)) {
      const { background: b, foreground: f } = TONE_PALETTE[tone];
      // Text must stand out from its background: a large difference in luminance.
      const lum = (c: { r: number; g: number; b: number }) => 0.299 * c.r + 0.587 * c.g + 0.114 * c.b;
      expect(Math.abs(lum(b) - lum(f)), tone).toBeGreaterThan(100);
    }
  });

  it('places lines one row apart inside the margin', () => {
    const layout = layoutScreen({ tone: ScreenTone.IDLE, lines: ['K101-0830 08:30', '已上车 12/42', '请出示乘车码'] }, LCD);
    expect(layout.lines).toEqual([
      { text: 'K101-0830 08:30', x: 6, y: 6 },
      { text: '已上车 12/42', x: 6, y: 30 },
      { text: '请出示乘车码', x: 6, y: 54 },
    ]);
  });

  it('wraps a long line over the rows there are to spare', () => {
    const long = '已人工放行 持票人身份已核验 原因：设备故障 票号 370600010000000001';
    const layout = layoutScreen({ tone: ScreenTone.ACCEPT, lines: ['K101-0830 08:30', long] }, LCD);
    expect(layout.lines.length).toBeGreaterThan(2);
    expect(layout.lines.slice(1).map((l) => l.text).join('').replace(/ /g, '')).toBe(long.replace(/ /g, ''));
  });

  it('with more lines than rows keeps the status line at the bottom and cuts above it', () => {
    const lines = Array.from({ length: 14 }, (_, i) => `第${i + 1}行`);
    const status = `${TEXT.logFull.zh} | ${TEXT.clockUnsure.zh}`;
    const layout = layoutScreen({ tone: ScreenTone.WARNING, lines: [...lines, status] }, LCD);
    const rows = Math.floor((LCD.height - 2 * LCD.margin) / LCD.lineHeight);
    expect(layout.lines).toHaveLength(rows);
    expect(layout.lines[0].text).toBe('第1行');
    expect(layout.lines[rows - 1].text).toBe(status);
    expect(layout.lines[rows - 1].y + LCD.lineHeight).toBeLessThanOrEqual(LCD.height - LCD.margin);
  });

  it('gives every line a row before any line gets a second, and marks a cut line with an ellipsis', () => {
    const long = '签名无效 疑似伪造 '.repeat(12).trim();
    const lines = [long, ...Array.from({ length: 6 }, (_, i) => `行${i}`), '离线 待传 3'];
    const layout = layoutScreen({ tone: ScreenTone.REJECT, lines }, LCD);
    const texts = layout.lines.map((l) => l.text);
    expect(texts).toHaveLength(Math.floor((LCD.height - 2 * LCD.margin) / LCD.lineHeight));
    expect(texts.slice(2)).toEqual(lines.slice(1));
    expect(texts[1].endsWith(ELLIPSIS)).toBe(true);
    for (const t of texts) expect(measure(t)).toBeLessThanOrEqual(INNER);
  });

  it('lays out the real home and menu screens within the panel', () => {
    const home = homeScreen({
      language: 'zh', inspection: false, trip: TRIP, utcOffsetMinutes: 480, boarded: 12,
      outcome: { tone: ScreenTone.ACCEPT, title: { zh: '验票通过 请上车', en: 'Accepted' }, details: ['张*丰 4401**********1234', '成人 12A YT01→PL03'] },
      uplink: 'offline', backlog: 3, logFull: true, notStored: 2, clockUnsure: true, configured: true,
    });
    const menu = menuScreen({ title: TEXT.menu, items: [TEXT.chooseTrip, TEXT.switchMode, TEXT.override, TEXT.syncNow], cursor: 1 }, 'en');
    for (const screen of [home, menu]) {
      const layout = layoutScreen(screen, LCD);
      expect(layout.lines.length).toBeGreaterThanOrEqual(screen.lines.length);
      for (const line of layout.lines) {
        expect(measure(line.text)).toBeLessThanOrEqual(INNER);
        expect(line.y + LCD.lineHeight).toBeLessThanOrEqual(LCD.height - LCD.margin);
      }
    }
    const homeText = layoutScreen(home, LCD).lines.map((l) => l.text).join('');
    for (const part of ['验票通过 请上车', '张*丰', TEXT.logFull.zh, TEXT.clockUnsure.zh]) expect(homeText).toContain(part);
    expect(layoutScreen(menu, LCD).lines.map((l) => l.text)).toContain('> Switch mode');
  });
});
