/**
 * What the display shows, as pure functions of the validator's state, so
 * every screen can be tested without a display.
 *
 * Home (boarding):            Menu:
 *   K101-0830 08:30             菜单
 *   已上车 12/42                > 选择班次
 *   验票通过 请上车               切换模式
 *   张*丰 4401**********1234      ...
 *   成人 12A YT01→PL03
 *   离线 待传 3
 */
import type { Trip } from '../../protocol/config/trips.js';
import type { ScreenTone, Screen, Language, Text } from './text-display.js';
import type { MenuView } from '../ui/menu.js';
import { TEXT } from './texts.js';
import type { UplinkState } from '../platform/uplink.js';


/** The outcome of the last scan or driver action, as shown. */
export interface Outcome {
  readonly tone: ScreenTone;
  readonly title: Text;
  /** Ticket lines the driver may need: masked name and ID, product, seat, stops. */
  readonly details: readonly string[];
}

export interface HomeView {
  readonly language: Language;
  readonly inspection: boolean;
  readonly trip?: Trip;
  readonly utcOffsetMinutes: number;
  readonly boarded: number;
  readonly outcome?: Outcome;
  readonly lastReject?: Text;
  readonly uplink: UplinkState;
  readonly backlog: number;
  readonly logFull: boolean;
  readonly notStored: number;
  readonly clockUnsure: boolean;
  readonly configured: boolean;
}

const say = (text: Text, language: Language) => text[language];

/** HH:MM of a time in seconds since the epoch, in the line's time zone. */
export function clockTime(seconds: number, utcOffsetMinutes: number): string {
  const minutes = Math.floor(seconds / 60) + utcOffsetMinutes;
  const m = ((minutes % 1440) + 1440) % 1440;
  const pad = (n: number) => (n < 10 ? `0${n}` : `${n}`);
  return `${pad(Math.floor(m / 60))}:${pad(m % 60)}`;
}

export function homeScreen(v: HomeView): Screen {
  const l = v.language;
  const header = v.trip
    ? `${v.trip.id} ${clockTime(v.trip.departure, v.utcOffsetMinutes)}${v.inspection ? ` [${say(TEXT.inspection, l)}]` : ''}`
    : `${say(TEXT.noTrip, l)}${v.inspection ? ` [${say(TEXT.inspection, l)}]` : ''}`;
  const count = v.trip ? `${say(TEXT.boarded, l)} ${v.boarded}/${v.trip.expected}` : `${say(TEXT.boarded, l)} ${v.boarded}`;

  let tone: ScreenTone = 'idle';
  const body: string[] = [];
  if (!v.configured) {
    tone = 'warning';
    body.push(say(TEXT.notConfigured, l));
  } else if (v.outcome) {
    tone = v.outcome.tone;
    body.push(say(v.outcome.title, l), ...v.outcome.details);
  } else {
    body.push(say(TEXT.scanPrompt, l));
    if (v.lastReject) body.push(`${say(TEXT.lastReject, l)}: ${say(v.lastReject, l)}`);
  }

  const uplink = v.uplink === 'online' ? TEXT.online : v.uplink === 'connecting' ? TEXT.connecting : TEXT.offline;
  const status = [`${say(uplink, l)} ${say(TEXT.backlog, l)} ${v.backlog}`];
  if (v.logFull) status.push(`${say(TEXT.logFull, l)} (${say(TEXT.notStored, l)} ${v.notStored})`);
  if (v.clockUnsure) status.push(say(TEXT.clockUnsure, l));
  return { tone, lines: [header, count, ...body, status.join(' | ')] };
}

/** The menu, with at most `rows` items visible: a window that follows the cursor. */
export function menuScreen(menu: MenuView, language: Language, rows = 5): Screen {
  const first = Math.max(0, Math.min(menu.cursor - Math.floor(rows / 2), menu.items.length - rows));
  const visible = menu.items.slice(first, first + rows);
  const more = first + rows < menu.items.length ? ' ▼' : '';
  return {
    tone: 'menu',
    lines: [
      `${say(menu.title, language)}${first > 0 ? ' ▲' : ''}${more}`,
      ...visible.map((item, i) => `${first + i === menu.cursor ? '>' : ' '} ${say(item, language)}`),
    ],
  };
}
