/**
 * Driver-facing texts of the firmware itself, in Chinese and English. The
 * texts for ticket decisions come with the reason codes (protocol/validate/reasons.ts).
 */
import type { Text } from './text-display.js';

export const TEXT = Object.freeze({
  scanPrompt: { zh: '请出示乘车码', en: 'Show your ticket' },
  noTrip: { zh: '未选班次', en: 'No trip chosen' },
  boarded: { zh: '已上车', en: 'Boarded' },
  inspection: { zh: '查验模式', en: 'Inspection' },
  boarding: { zh: '检票模式', en: 'Boarding' },
  online: { zh: '在线', en: 'Online' },
  connecting: { zh: '连接中', en: 'Connecting' },
  offline: { zh: '离线', en: 'Offline' },
  backlog: { zh: '待传', en: 'Unsent' },
  logFull: { zh: '记录已满 请同步', en: 'Log full - sync now' },
  notStored: { zh: '未存', en: 'not stored' },
  clockUnsure: { zh: '时钟未校准', en: 'Clock not set' },
  notConfigured: { zh: '未配置 无法验票', en: 'Not configured' },
  lastReject: { zh: '上次拒绝', en: 'Last reject' },
  menu: { zh: '菜单', en: 'Menu' },
  chooseTrip: { zh: '选择班次', en: 'Choose trip' },
  switchMode: { zh: '切换模式', en: 'Switch mode' },
  override: { zh: '人工放行', en: 'Override' },
  overrideReason: { zh: '放行原因', en: 'Override reason' },
  overridden: { zh: '已人工放行', en: 'Let on by driver' },
  syncNow: { zh: '立即同步', en: 'Sync now' },
  syncRequested: { zh: '已请求同步', en: 'Sync requested' },
  noTrips: { zh: '无可选班次', en: 'No trips loaded' },
  nothingToOverride: { zh: '无可放行记录', en: 'Nothing to override' },
  tripChosen: { zh: '已切换班次', en: 'Trip changed' },
  boardedHere: { zh: '本班次已验票', en: 'Boarded this trip' },
  notBoardedHere: { zh: '本班次未验票', en: 'Not scanned on board' },
  scanAgain: { zh: '读码不全 请重扫', en: 'Partial read - scan again' },
  fault: { zh: '设备故障 请人工核验', en: 'Device fault - check by hand' },
} satisfies Record<string, Text>);
