/**
 * The Moddable build manifests (manifests/), checked the way mcconfig and
 * XS would use them, without the SDK: every module path exists, every
 * module the firmware loads is named under the name XS resolves it to,
 * every SDK and embedded: module it imports is provided on each platform,
 * the board's pins agree with the firmware's BoardConfig, the partition
 * table is well formed for a 4 MiB flash, and the display font has every
 * glyph the firmware's texts use.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { VALIDATOR_BOARD_V1 } from '../../firmware/board/board.js';
import { HOST_PARTITIONS } from '../../firmware/device/ram-flash.js';
import { importEdges, xsResolve } from './closure.js';
import { combineManifest, repoRoot, type CombinedManifest } from './manifest-model.js';
import { BUILD_GENERATED, SDK_FILES, SDK_PROVIDES, type Platform } from './moddable-sdk.js';
import { parsePartitions, type Partition } from './partition-table.js';

const ESP32 = join(repoRoot, 'manifests/esp32/manifest.json');
const HOST = join(repoRoot, 'manifests/host/manifest.json');
const TARGETS: ReadonlyArray<{ manifest: string; platforms: readonly Platform[] }> = [
  { manifest: ESP32, platforms: ['esp32'] },
  { manifest: HOST, platforms: ['mac', 'lin', 'win'] },
];
const rel = (file: string) => (file.startsWith('sdk:') ? file : relative(repoRoot, file));

/** Everything a combined manifest makes importable: its own module names, what its SDK includes give, what mcconfig generates. */
function provided(m: CombinedManifest): Set<string> {
  const out = new Set<string>([...m.modules.keys(), ...BUILD_GENERATED]);
  for (const inc of m.sdkIncludes) for (const name of SDK_PROVIDES[inc]?.[m.platform] ?? []) out.add(name);
  return out;
}

/** Files under `dir` (recursively) with one of the extensions. */
function filesUnder(dir: string, extensions: readonly string[]): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return name === 'vectors' || name === 'node_modules' ? [] : filesUnder(p, extensions);
    return extensions.some((e) => name.endsWith(e)) ? [p] : [];
  });
}

/** The entry modules XS runs for a build: main, our preloads, our files standing in for SDK modules. */
function entryFiles(m: CombinedManifest): string[] {
  const ours = (name: string) => m.modules.get(name) ?? '';
  const names = [String(m.creation.main), ...m.preload, ...[...m.modules.keys()].filter((n) => n.startsWith('embedded:'))];
  return [...new Set(names.map(ours).filter((f) => f.startsWith(repoRoot)))];
}

for (const { manifest, platforms } of TARGETS) {
  for (const platform of platforms) {
    describe(`${relative(repoRoot, manifest)} for ${platform}`, () => {
      const m = combineManifest(manifest, platform);

      it('builds for the platform', () => {
        expect(m.errors).toEqual([]);
      });

      it('names only module paths that exist (SDK paths as recorded at the SDK commit)', () => {
        const missing = m.entries.filter((e) => e.files.length === 0).map((e) => `${rel(e.manifest)}: ${e.key} -> ${rel(e.source)}`);
        expect(missing).toEqual([]);
        expect([...m.sdkIncludes].filter((inc) => !SDK_FILES.includes(inc))).toEqual([]);
        expect(m.localManifests.length).toBeGreaterThan(1);
      });

      it('starts firmware/main.ts, after setup, as module "firmware/main"', () => {
        expect(m.creation.main).toBe('firmware/main');
        expect(m.modules.get('firmware/main')).toBe(join(repoRoot, 'firmware/main.ts'));
      });

      it('names every module the firmware loads under the name XS resolves its import to', async () => {
        const names = new Map<string, string[]>();
        for (const [name, file] of m.modules) names.set(file, [...(names.get(file) ?? []), name]);
        const edges = await importEdges(entryFiles(m));
        expect(edges.length).toBeGreaterThan(50);
        const problems: string[] = [];
        for (const edge of edges) {
          if (!edge.to) continue;
          const referrers = names.get(edge.from);
          if (!referrers) {
            problems.push(`${rel(edge.from)} is loaded but not in the manifest`);
            continue;
          }
          for (const referrer of referrers) {
            const name = xsResolve(referrer, edge.specifier);
            if (m.modules.get(name) !== edge.to) problems.push(`${referrer} imports "${edge.specifier}": XS looks for "${name}", the manifest has ${m.modules.has(name) ? rel(m.modules.get(name)!) : 'nothing'}, the source means ${rel(edge.to)}`);
          }
        }
        expect([...new Set(problems)]).toEqual([]);
      });

      it('provides every SDK and embedded: module the firmware imports', async () => {
        const have = provided(m);
        const edges = await importEdges(entryFiles(m));
        const missing = edges.filter((e) => !e.to && !have.has(e.specifier)).map((e) => `${rel(e.from)}: ${e.specifier}`);
        expect([...new Set(missing)]).toEqual([]);
      });

      it('preloads only modules it has, and no module that brings in an npm package (their scratch buffers must stay in RAM)', async () => {
        const have = provided(m);
        expect(m.preload.filter((name) => !have.has(name))).toEqual([]);
        const ours = m.preload.map((name) => m.modules.get(name)).filter((f): f is string => f !== undefined && f.startsWith(repoRoot));
        expect(ours.length).toBeGreaterThan(3);
        for (const file of ours) {
          const edges = await importEdges([file]);
          expect(edges.filter((e) => e.to?.includes('/node_modules/')).map((e) => rel(e.to!)), rel(file)).toEqual([]);
        }
      });

      it('compiles TypeScript without type-checking against the SDK typings (CI type-checks against ours)', () => {
        expect((m.typescript.tsconfig as { compilerOptions?: { noCheck?: boolean } } | undefined)?.compilerOptions?.noCheck).toBe(true);
      });
    });
  }
}

describe('manifests for the wrong platform', () => {
  it('the board manifest refuses desktop builds and the host manifest refuses the ESP32, saying which to use', () => {
    expect(combineManifest(ESP32, 'mac').errors.join()).toMatch(/manifests\/host/);
    expect(combineManifest(HOST, 'esp32').errors.join()).toMatch(/manifests\/esp32/);
  });
});

describe('embedded: modules', () => {
  const sources = filesUnder(join(repoRoot, 'firmware'), ['.ts']).filter((f) => !f.endsWith('.d.ts'));
  const imported = new Set<string>();
  for (const file of sources) {
    for (const match of readFileSync(file, 'utf8').matchAll(/(?:import|export)[^'"]*?from\s+['"](embedded:[^'"]+)['"]/g)) imported.add(match[1]);
  }

  it('every one the firmware imports is provided on every platform it builds for', () => {
    expect(imported.size).toBeGreaterThan(0);
    const missing = TARGETS.flatMap(({ manifest, platforms }) =>
      platforms.flatMap((platform) => {
        const have = provided(combineManifest(manifest, platform));
        return [...imported].filter((spec) => !have.has(spec)).map((spec) => `${platform}: ${spec}`);
      }));
    expect(missing).toEqual([]);
  });

  it('every one firmware/types/embedded.d.ts declares is provided on the board', () => {
    const declared = [...readFileSync(join(repoRoot, 'firmware/types/embedded.d.ts'), 'utf8').matchAll(/declare module '(embedded:[^']+)'/g)].map((d) => d[1]);
    expect(declared.length).toBeGreaterThan(3);
    const have = provided(combineManifest(ESP32, 'esp32'));
    expect(declared.filter((spec) => !have.has(spec))).toEqual([]);
  });
});

describe('the board manifest (manifests/esp32)', () => {
  const m = combineManifest(ESP32, 'esp32');
  const board = m.config.board as typeof VALIDATOR_BOARD_V1;
  const spi = m.defines.spi as Record<string, number>;
  const lcd = m.defines.ili9341 as Record<string, number | string>;

  it('declares the wiring the firmware uses: config.board is VALIDATOR_BOARD_V1', () => {
    expect(board).toEqual(JSON.parse(JSON.stringify(VALIDATOR_BOARD_V1)));
  });

  it('gives every part its own GPIO, none of the flash pins, no output or pulled input on an input-only pin, and not the console UART', () => {
    const { scanner, leds, buzzer, buttons } = board;
    const outputs = [scanner.transmit, scanner.trigger?.pin, leds.green, leds.red, buzzer.pin, spi.mosi_pin, spi.sck_pin, lcd.cs_pin, lcd.dc_pin, lcd.rst_pin, lcd.backlight_pin]
      .filter((p): p is number => typeof p === 'number' && p >= 0);
    const pulledInputs = [buttons.up, buttons.down, buttons.ok, buttons.back];
    const all = [...outputs, ...pulledInputs, scanner.receive];
    expect(new Set(all).size).toBe(all.length);
    expect(all.filter((p) => p >= 6 && p <= 11)).toEqual([]);
    expect([...outputs, ...pulledInputs].filter((p) => p >= 34 && p <= 39)).toEqual([]);
    expect(all.filter((p) => p === 1 || p === 3)).toEqual([]);
    expect(scanner.port).not.toBe(0);
    expect(scanner.baud).toBeGreaterThanOrEqual(115200);
  });

  it('drives a colour LCD through the SDK display setup', () => {
    expect(m.config.screen).toBe('ili9341');
    expect(provided(m).has('ili9341')).toBe(true);
    expect([0, 90, 180, 270]).toContain(m.config.rotation);
  });

  it('joins Wi-Fi itself (wifiSsid), never through the SDK setup that holds main back until connected (ssid)', () => {
    expect(m.config).toHaveProperty('wifiSsid', '');
    expect(m.config).toHaveProperty('wifiPassword', '');
    expect(m.config).not.toHaveProperty('ssid');
    expect(provided(m).has('embedded:network/interface/wifi')).toBe(true);
  });

  it('has the MQTT client, no broker until one is given, and the version of this repository as its firmware version', () => {
    expect(provided(m).has('embedded:network/mqtt/client')).toBe(true);
    expect(m.config.mqtt).toBe('');
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
    expect(m.config.fw).toBe(pkg.version);
  });

  it('builds with its own partition table', () => {
    expect(m.build.PARTITIONS_FILE).toBe(join(repoRoot, 'manifests/esp32/partitions.csv'));
  });
});

describe('the partition table (manifests/esp32/partitions.csv)', () => {
  const FLASH = 4 * 1024 * 1024;
  const TABLE_END = 0x8000 + 0x1000;
  const parts = parsePartitions(readFileSync(join(repoRoot, 'manifests/esp32/partitions.csv'), 'utf8'));
  const byName = new Map(parts.map((p) => [p.name, p] as [string, Partition]));

  it('parses, with unique names ESP-IDF accepts and the types and subtypes it knows', () => {
    expect(parts.length).toBeGreaterThanOrEqual(5);
    expect(new Set(parts.map((p) => p.name)).size).toBe(parts.length);
    for (const p of parts) {
      expect(p.name.length, p.name).toBeLessThanOrEqual(16);
      expect(['app', 'data']).toContain(p.type);
      const subtypes = p.type === 'app' ? ['factory', 'test', /^ota_\d+$/] : ['ota', 'phy', 'nvs', 'coredump', 'nvs_keys', 'efuse', 'undefined', 'esphttpd', 'fat', 'spiffs', 'littlefs'];
      expect(subtypes.some((s) => (typeof s === 'string' ? s === p.subtype : s.test(p.subtype))), `${p.name}: ${p.subtype}`).toBe(true);
    }
  });

  it('puts app partitions on 64 KiB boundaries and data on 4 KiB ones, after the table, without overlaps, within 4 MiB', () => {
    const sorted = [...parts].sort((a, b) => a.offset - b.offset);
    expect(sorted[0].offset).toBeGreaterThanOrEqual(TABLE_END);
    for (const p of parts) {
      expect(p.offset % (p.type === 'app' ? 0x10000 : 0x1000), p.name).toBe(0);
      expect(p.size % 0x1000, p.name).toBe(0);
      expect(p.size, p.name).toBeGreaterThan(0);
    }
    for (let i = 1; i < sorted.length; i++) expect(sorted[i].offset, sorted[i].name).toBeGreaterThanOrEqual(sorted[i - 1].offset + sorted[i - 1].size);
    const last = sorted[sorted.length - 1];
    expect(last.offset + last.size).toBeLessThanOrEqual(FLASH);
  });

  it('has what ESP-IDF needs to boot: nvs, phy_init and one factory app of at least 2 MiB for XS, the fonts and the firmware', () => {
    expect(byName.get('nvs')?.subtype).toBe('nvs');
    expect(byName.get('phy_init')?.subtype).toBe('phy');
    const apps = parts.filter((p) => p.type === 'app');
    expect(apps.map((p) => p.subtype)).toEqual(['factory']);
    expect(apps[0].size).toBeGreaterThanOrEqual(2 * 1024 * 1024);
  });

  it('has the boarding log (at least 1 MiB) and the settings store (256 KiB) the board names, as data partitions', () => {
    expect(byName.get('boardings')?.type).toBe('data');
    expect(byName.get('boardings')!.size).toBeGreaterThanOrEqual(1024 * 1024);
    expect(byName.get('settings')?.type).toBe('data');
    expect(byName.get('settings')!.size).toBe(256 * 1024);
    for (const name of Object.values(VALIDATOR_BOARD_V1.flash)) expect(byName.get(name)?.type, name).toBe('data');
  });

  it('is the layout the desktop simulators get too (macOS flash files, the RAM flash on Linux and Windows)', () => {
    const sizes = (table: Record<string, { blocks: number; blockLength: number }>) =>
      Object.fromEntries(Object.entries(table).map(([name, s]) => [name, s.blocks * s.blockLength]));
    const expected = Object.fromEntries(['boardings', 'settings'].map((name) => [name, byName.get(name)!.size]));
    expect(sizes(combineManifest(HOST, 'mac').config.flash as Record<string, { blocks: number; blockLength: number }>)).toEqual(expected);
    expect(sizes(HOST_PARTITIONS as Record<string, { blocks: number; blockLength: number }>)).toEqual(expected);
  });
});

describe('the display font', () => {
  const m = combineManifest(ESP32, 'esp32');
  const faces = (m.resources['*-mask'] as Array<{ name: string; size: number; characters?: string; blocks?: string[]; characterFiles?: string[] }>);
  const face = faces.find((f) => `${f.name}-${f.size}.bf4` === m.config.font);
  const substitute = (path: string) => path.replace('$(VALIDATOR)', m.build.VALIDATOR);

  it('is the font main.ts loads, from character files that exist', () => {
    expect(face).toBeDefined();
    const missing = (face?.characterFiles ?? []).map(substitute).filter((f) => { try { return !statSync(f).isFile(); } catch { return true; } });
    expect(missing).toEqual([]);
  });

  it('carries the 3755 common Han characters of GB 2312 level 1, for names on tickets', () => {
    const text = readFileSync(join(repoRoot, 'manifests/fonts/gb2312-level1.txt'), 'utf8');
    const decoder = new TextDecoder('gb2312');
    let expected = '';
    for (let row = 0xb0; row <= 0xd7; row++) {
      for (let cell = 0xa1; cell <= (row === 0xd7 ? 0xf9 : 0xfe); cell++) expected += decoder.decode(Uint8Array.of(row, cell));
      expected += '\n';
    }
    expect(text).toBe(expected);
    expect(new Set(text.replace(/\n/g, '')).size).toBe(3755);
  });

  it('has a glyph for every character in the firmware and protocol string literals', () => {
    const glyphs = new Set<string>(face?.characters ?? '');
    if (face?.blocks?.includes('Basic Latin')) for (let c = 0x20; c < 0x7f; c++) glyphs.add(String.fromCharCode(c));
    for (const file of (face?.characterFiles ?? []).map(substitute)) for (const ch of readFileSync(file, 'utf8')) glyphs.add(ch);
    const sources = [...filesUnder(join(repoRoot, 'firmware'), ['.ts']), ...filesUnder(join(repoRoot, 'protocol'), ['.ts'])].filter((f) => !f.endsWith('.d.ts'));
    const missing = new Set<string>();
    for (const file of sources) {
      const code = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
      for (const literal of code.match(/'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|`(?:[^`\\]|\\.)*`/g) ?? []) {
        for (const ch of literal) if (ch.codePointAt(0)! > 0x7e && !glyphs.has(ch)) missing.add(`${ch} (${relative(repoRoot, file)})`);
      }
    }
    expect([...missing]).toEqual([]);
  });
});
