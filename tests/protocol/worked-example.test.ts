/**
 * protocol/README.md shows a worked example in hex. This regenerates it from
 * the code so the page cannot drift from what issuers and validators do.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bytesToHex, decodeSign1, kidOf, sigStructure, validate, Reason } from '../../protocol/index.js';
import { busIssuer, context, issue } from './fixtures.js';

const readme = readFileSync(new URL('../../protocol/README.md', import.meta.url), 'utf8');
const compact = readme.replace(/\s+/g, '');

describe('protocol/README.md worked example', () => {
  const t = issue();
  const m = decodeSign1(t.cose);

  it('shows the issuer key and its kid', () => {
    expect(compact).toContain(bytesToHex(busIssuer.publicKey));
    expect(readme).toContain(`kid = SHA-256(key)[0..8] = ${bytesToHex(kidOf(busIssuer.publicKey))}`);
  });

  it('shows the exact COSE bytes, signature and QR text the code produces', () => {
    expect(readme).toContain(bytesToHex(t.cose));
    expect(compact).toContain(bytesToHex(m.signature));
    expect(readme).toContain(t.qrText);
    expect(readme).toContain(`QR text (${t.qrText.length} characters)`);
    expect(readme).toContain(`COSE_Sign1 (${t.cose.length} bytes)`);
    expect(readme).toContain(`Payload (${m.payload.length} bytes)`);
  });

  it('annotates the payload byte for byte', () => {
    const block = readme.slice(readme.indexOf('Payload ('), readme.indexOf('Sig_structure, the bytes'));
    const hex = block
      .split('\n')
      .filter((l) => /^\s*[0-9a-f]{2,}(\s|$)/.test(l))
      .map((l) => l.trim().replace(/\s{2,}\S.*$/, '').replace(/\s+/g, ''))
      .join('');
    expect(hex).toBe(bytesToHex(m.payload));
  });

  it('shows the Sig_structure prefix and a ticket that validates', () => {
    const s = bytesToHex(sigStructure(m.protectedBytes, m.payload));
    const head = ['846a5369676e617475726531', '4d' + bytesToHex(m.protectedBytes), '40', '58a8'];
    expect(s.startsWith(head.join(''))).toBe(true);
    for (const part of head.slice(0, 2)) expect(compact).toContain(part);
    expect(validate(t.qrText, context()).reason).toBe(Reason.ACCEPTED);
  });
});
