/**
 * The driver's menu: a stack of lists moved through with up, down, OK and
 * back. It holds only the cursor; what an item does is the app's business.
 */
import type { Text } from '../display/text-display.js';

export interface MenuItem {
  readonly label: Text;
  readonly select: () => void;
}

export interface MenuView {
  readonly title: Text;
  readonly items: readonly Text[];
  readonly cursor: number;
}

interface Level {
  readonly title: Text;
  readonly items: readonly MenuItem[];
  cursor: number;
}

export class Menu {
  #stack: Level[] = [];

  get isOpen(): boolean {
    return this.#stack.length > 0;
  }

  push(title: Text, items: readonly MenuItem[]): void {
    this.#stack.push({ title, items, cursor: 0 });
  }

  /** Back one level; true if the menu is still open. */
  pop(): boolean {
    this.#stack.pop();
    return this.isOpen;
  }

  close(): void {
    this.#stack = [];
  }

  move(delta: number): void {
    const top = this.#top();
    if (!top || top.items.length === 0) return;
    const n = top.items.length;
    top.cursor = (top.cursor + delta + n) % n;
  }

  select(): void {
    const top = this.#top();
    top?.items[top.cursor]?.select();
  }

  view(): MenuView | undefined {
    const top = this.#top();
    return top && { title: top.title, items: top.items.map((i) => i.label), cursor: top.cursor };
  }

  #top(): Level | undefined {
    return this.#stack[this.#stack.length - 1];
  }
}
