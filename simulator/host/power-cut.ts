/**
 * Power-loss injection for the simulated flash.
 *
 * The flash programs byte by byte in address order and asks the PowerCut,
 * before each write or erase, whether the power fails part-way. When it does,
 * the operation stops at that byte and the chip is dead — every flash call
 * throws PowerLossError — until the test reboots it (FlashChip.reboot()).
 *
 * The model, which is what the boarding log has to survive:
 *
 * - Write of n bytes, cut at byte k: bytes [0, k) are programmed; byte k is
 *   half-programmed — only a random subset of the bits it was going to clear
 *   are cleared (so it lies bitwise between the old and the intended value);
 *   bytes after k are untouched.
 *
 * - Erase, model 'prefix' (the default), cut at byte k of the range: every
 *   byte before k is 0xFF, byte k is half-erased (a random subset of its 0
 *   bits set to 1), the rest keep their old data. Real NOR erases a whole
 *   sector at once and an interrupted erase is not ordered by address; a
 *   prefix is one of the states it can leave, and the nastiest for a log that
 *   trusts a block whose header reads erased.
 *
 * - Erase, model 'suffix', cut at byte k: the last k bytes of the block are
 *   0xFF, the byte before them half-erased, the start of the block (its
 *   header) still old: a block that reads as its old self up front but has
 *   lost its tail.
 *
 * - Erase, model 'scatter': blocks before the cut block are erased; in the
 *   cut block every byte gets a random subset of its 0 bits set to 1 (the
 *   cells were part-way through erasing, each at its own pace); later blocks
 *   are untouched.
 *
 * In every model each byte ends up between its old value and the target
 * (bitwise), which is what the tests check. `random` is injected so a fuzz
 * run reproduces from its seed.
 */

export class PowerLossError extends Error {
  constructor(message = 'power lost', options?: ErrorOptions) {
    super(message, options);
    this.name = 'PowerLossError';
  }
}

/** How an interrupted erase leaves the block. */
export const EraseCutModel = Object.freeze({
  PREFIX: 'prefix',
  SUFFIX: 'suffix',
  SCATTER: 'scatter',
} as const);
export type EraseCutModel = (typeof EraseCutModel)[keyof typeof EraseCutModel];

export type FlashOperation = 'write' | 'erase';

export interface PowerCutArmOptions {
  /**
   * Cut when this many more bytes have been programmed or erased (counted
   * from arm(), across writes and erases; an erased block counts its length):
   * that many complete and the next one is interrupted. 0 interrupts the very
   * next byte.
   */
  readonly afterBytes?: number;
  /** Cut the next erase, at a random byte of its range. */
  readonly duringErase?: boolean;
  /** Default 'prefix'. */
  readonly eraseModel?: EraseCutModel;
  /** Uniform in [0, 1); seeded in tests so runs reproduce. */
  readonly random: () => number;
}

/** Where an operation is cut: byte `index` of it is the interrupted one. */
export interface PowerCutPoint {
  readonly operation: FlashOperation;
  readonly index: number;
  readonly eraseModel: EraseCutModel;
  readonly random: () => number;
}

interface Armed {
  readonly afterBytes: number | undefined;
  readonly duringErase: boolean;
  readonly eraseModel: EraseCutModel;
  readonly random: () => number;
}

/** A random byte from `random`. */
export function randomByte(random: () => number): number {
  return Math.floor(random() * 256) & 0xff;
}

export class PowerCut {
  #armed: Armed | undefined;
  /** Bytes programmed or erased since arm(). */
  #counted = 0;
  #powered = true;
  #cuts = 0;
  #listeners = new Set<(error: PowerLossError) => void>();

  /** Arms one cut; replaces any armed before. The cut disarms itself when it happens. */
  arm(options: PowerCutArmOptions): void {
    if (typeof options !== 'object' || options === null) throw new TypeError('PowerCut.arm: options object required');
    const { afterBytes, duringErase = false, eraseModel = EraseCutModel.PREFIX, random } = options;
    if (typeof random !== 'function') throw new TypeError('PowerCut.arm: random function required');
    if (afterBytes !== undefined && (!Number.isInteger(afterBytes) || afterBytes < 0)) {
      throw new RangeError(`PowerCut.arm: afterBytes must be a non-negative integer, got ${String(afterBytes)}`);
    }
    if (afterBytes === undefined && !duringErase) throw new TypeError('PowerCut.arm: afterBytes or duringErase required');
    if (!Object.values(EraseCutModel).includes(eraseModel)) {
      throw new RangeError(`PowerCut.arm: unknown eraseModel ${String(eraseModel)}`);
    }
    this.#armed = Object.freeze({ afterBytes, duringErase, eraseModel, random });
    this.#counted = 0;
  }

  disarm(): void {
    this.#armed = undefined;
  }

  get armed(): boolean {
    return this.#armed !== undefined;
  }

  get powered(): boolean {
    return this.#powered;
  }

  /** How many times the power has been cut. */
  get cuts(): number {
    return this.#cuts;
  }

  /** Bytes programmed or erased since the last arm(). */
  get counted(): number {
    return this.#counted;
  }

  /** Cuts the power now, between operations. */
  cut(): void {
    this.#armed = undefined;
    if (this.#powered) this.trip('power cut between flash operations');
  }

  /** Power back on; an armed cut stays armed (to cut during recovery). */
  restore(): void {
    this.#powered = true;
  }

  /** Called with the error when the power goes. Returns the unsubscribe function. */
  onCut(listener: (error: PowerLossError) => void): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  // For the flash.

  /** Throws PowerLossError while the power is off. */
  check(): void {
    if (!this.#powered) throw new PowerLossError('flash is unpowered after a power cut; reboot to continue');
  }

  /**
   * The flash is about to program or erase `byteLength` bytes: returns where
   * the power fails within them, or undefined if it does not.
   */
  cutPoint(operation: FlashOperation, byteLength: number): PowerCutPoint | undefined {
    const armed = this.#armed;
    if (!armed || byteLength <= 0) return undefined;
    let index = Infinity;
    if (armed.afterBytes !== undefined && armed.afterBytes - this.#counted < byteLength) index = armed.afterBytes - this.#counted;
    if (armed.duringErase && operation === 'erase') index = Math.min(index, Math.floor(armed.random() * byteLength));
    if (index === Infinity) {
      this.#counted += byteLength;
      return undefined;
    }
    this.#counted += index;
    this.#armed = undefined;
    return Object.freeze({ operation, index, eraseModel: armed.eraseModel, random: armed.random });
  }

  /** The power goes off now; returns the error for the interrupted operation to throw. */
  trip(message = 'power lost during a flash operation'): PowerLossError {
    this.#powered = false;
    this.#cuts++;
    const error = new PowerLossError(message);
    for (const listener of [...this.#listeners]) listener(error);
    return error;
  }
}
