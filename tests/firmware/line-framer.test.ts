import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LINE_MAX_LENGTH, LineFramer } from '../../firmware/scanner/line-framer.js';
import { QR_MAX_LENGTH } from '../../protocol/qr.js';

const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));

/** Feeds `chunks` through one framer and returns the lines. */
function frame(chunks: Array<Uint8Array | string>, framer = new LineFramer()): string[] {
  const lines: string[] = [];
  for (const c of chunks) framer.push(typeof c === 'string' ? ascii(c) : c, (l) => lines.push(l));
  return lines;
}

describe('LineFramer', () => {
  it('ends lines on CR, on LF and on CR LF, counting CR LF once', () => {
    expect(frame(['TK1:AAA\rTK1:BBB\nTK1:CCC\r\nTK1:DDD\r\n'])).toEqual(['TK1:AAA', 'TK1:BBB', 'TK1:CCC', 'TK1:DDD']);
  });

  it('ignores empty lines and holds an unterminated line back', () => {
    const framer = new LineFramer();
    expect(frame(['\r\n\r\r\n\nTK1:A', 'B'], framer)).toEqual([]);
    expect(framer.partial).toBe(6);
    expect(frame(['\r'], framer)).toEqual(['TK1:AB']);
    expect(framer.lines).toBe(1);
  });

  it('frames the same whatever the chunk boundaries, including between CR and LF', () => {
    const text = 'TK1:HELLO WORLD\r\nTK1:SECOND\r\n';
    for (let cut = 0; cut <= text.length; cut++) {
      expect(frame([text.slice(0, cut), text.slice(cut)])).toEqual(['TK1:HELLO WORLD', 'TK1:SECOND']);
    }
    // One byte at a time.
    expect(frame(text.split(''))).toEqual(['TK1:HELLO WORLD', 'TK1:SECOND']);
  });

  it('drops a line that noise lands in, reports it, and frames the next one cleanly', () => {
    const framer = new LineFramer();
    const noisy = Uint8Array.from([...ascii('TK1:BRO'), 0x00, ...ascii('KEN\r'), ...ascii('TK1:GOOD\r')]);
    let drops = 0;
    const lines: string[] = [];
    framer.push(noisy, (l) => lines.push(l), () => drops++);
    // No fragment of the damaged code is passed on as if it were a code.
    expect(lines).toEqual(['TK1:GOOD']);
    expect(drops).toBe(1);
    expect(framer.damaged).toBe(1);
    expect(framer.noiseBytes).toBe(1);
  });

  it('does not let noise before a scan spoil the scan', () => {
    const framer = new LineFramer();
    expect(frame([Uint8Array.of(0xff, 0x00, 0x80, 0x1b), 'TK1:PASSENGER\r'], framer)).toEqual(['TK1:PASSENGER']);
    expect(framer.noiseBytes).toBe(4);
  });

  it('drops an overlong line whole, up to its terminator, and keeps going', () => {
    const framer = new LineFramer({ maxLength: 10 });
    expect(frame(['0123456789\r', '0123456789X', 'YZ\rTK1:OK\r'], framer)).toEqual(['0123456789', 'TK1:OK']);
    expect(framer.overlong).toBe(1);
  });

  it('keeps a full-size ticket with a symbology prefix by default', () => {
    const code = ']Q1TK1:' + 'A'.repeat(QR_MAX_LENGTH - 4);
    expect(code.length).toBeLessThanOrEqual(LINE_MAX_LENGTH);
    expect(frame([code + '\r'])).toEqual([code]);
    expect(frame(['X'.repeat(LINE_MAX_LENGTH + 1) + '\r'])).toEqual([]);
  });

  it('frames any chunking of a byte stream into the same lines', () => {
    const line = fc.string({ unit: fc.constantFrom(...'TK1:ABCXYZ0189 $%*+-./'.split('')), minLength: 0, maxLength: 40 });
    const term = fc.constantFrom('\r', '\n', '\r\n');
    const noise = fc.constantFrom(0x00, 0x07, 0x7f, 0x80, 0xff, 0x1b);
    const piece = fc.oneof(
      fc.tuple(line, term).map(([l, t]) => ascii(l + t)),
      line.map(ascii),
      noise.map((b) => Uint8Array.of(b)),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 20 }), fc.array(fc.nat(), { maxLength: 30 }), (pieces, cuts) => {
        const stream = Uint8Array.from(pieces.flatMap((p) => [...p]));
        const whole = frame([stream], new LineFramer({ maxLength: 32 }));
        const points = [...new Set(cuts.map((c) => (stream.length === 0 ? 0 : c % (stream.length + 1))))].sort((a, b) => a - b);
        const chunks: Uint8Array[] = [];
        let at = 0;
        for (const p of points) {
          chunks.push(stream.subarray(at, p));
          at = p;
        }
        chunks.push(stream.subarray(at));
        expect(frame(chunks, new LineFramer({ maxLength: 32 }))).toEqual(whole);
        // Every line delivered is printable ASCII and within the cap.
        for (const l of whole) expect(l).toMatch(/^[\x20-\x7e]{1,32}$/);
      }),
      { numRuns: 300 },
    );
  });
});
