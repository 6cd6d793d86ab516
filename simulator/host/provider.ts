/**
 * The host `device` provider: the same shape as Moddable's provider.js for a
 * board (device.io.Serial, Digital, PWM, device.flash, device.pin), backed by
 * simulated hardware on one HostLoop. The firmware cannot tell the difference;
 * tests reach the hardware side through the returned handles.
 */
import type { BoardConfig } from '../../firmware/board/board.js';
import type { DeviceProvider, FlashProvider } from '../../firmware/types/ecma419.js';
import { digitalClass, PinBank } from './digital.js';
import type { HostLoop } from './loop.js';
import { pwmClass } from './pwm.js';
import { serialClass } from './serial.js';
import { UartPort } from './uart.js';

export interface HostDeviceOptions {
  readonly loop: HostLoop;
  readonly board: BoardConfig;
  /** RX FIFO size of every UART; default the ESP32's 128 bytes. */
  readonly fifoSize?: number;
  /** The flash chip, if the board has a data partition. */
  readonly flash?: FlashProvider;
}

export interface HostDevice {
  readonly device: DeviceProvider;
  readonly pins: PinBank;
  readonly uarts: ReadonlyMap<number, UartPort>;
  /** The UART the board's scanner is wired to. */
  readonly scannerUart: UartPort;
}

export function createHostDevice(options: HostDeviceOptions): HostDevice {
  const { loop, board } = options;
  const pins = new PinBank(loop);
  // UART0 is the console; the scanner's port is the one the board names.
  const uarts = new Map<number, UartPort>();
  for (const port of new Set([0, board.scanner.port])) uarts.set(port, new UartPort(loop, { port, fifoSize: options.fifoSize }));
  const device: DeviceProvider = Object.freeze({
    io: Object.freeze({ Serial: serialClass(loop, uarts), Digital: digitalClass(loop, pins), PWM: pwmClass(loop, pins) }),
    flash: options.flash,
    pin: Object.freeze({
      scannerReceive: board.scanner.receive,
      scannerTransmit: board.scanner.transmit,
      greenLed: board.leds.green,
      redLed: board.leds.red,
      buzzer: board.buzzer.pin,
      ...(board.scanner.trigger ? { scannerTrigger: board.scanner.trigger.pin } : {}),
    }),
  });
  return { device, pins, uarts, scannerUart: uarts.get(board.scanner.port)! };
}
