/**
 * The display behind a narrow interface: a few lines of text and a tone the
 * display may use for colour. The device draws it with Poco on its LCD; the
 * simulator prints it. Keeping it this narrow keeps the screens testable.
 */
export const ScreenTone = Object.freeze({
  IDLE: 'idle',
  ACCEPT: 'accept',
  REJECT: 'reject',
  REPEAT: 'repeat',
  WARNING: 'warning',
  MENU: 'menu',
} as const);
export type ScreenTone = (typeof ScreenTone)[keyof typeof ScreenTone];

export interface Screen {
  readonly tone: ScreenTone;
  readonly lines: readonly string[];
}

export interface TextDisplay {
  show(screen: Screen): void;
  close?(): void;
}

export const Language = Object.freeze({ ZH: 'zh', EN: 'en' } as const);
export type Language = (typeof Language)[keyof typeof Language];

export interface Text {
  readonly zh: string;
  readonly en: string;
}
