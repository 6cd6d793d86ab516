/**
 * The board provider for Moddable's desktop simulators (the host target,
 * manifests/host): the scanner on a real serial port of the PC when one is
 * named (a USB scan engine), and Digital and PWM with nothing attached,
 * because a PC has no GPIO. host-provider.ts builds it from the SDK modules.
 */
import type { DeviceProvider, SerialConstructor, SerialOptions } from '../types/ecma419.js';
import { UnwiredDigital, UnwiredPWM, UnwiredSerial } from './unwired-io.js';

export interface HostDeviceOptions {
  /** The SDK's embedded:io/serial for this host. */
  readonly Serial: SerialConstructor;
  /** The scan engine's serial device, e.g. /dev/cu.usbmodem1101; none: no scanner. */
  readonly scannerDevice?: string;
}

/** The host Serial takes the device path instead of the ESP32's port and pins. */
function serialOn(Serial: SerialConstructor, path: string): SerialConstructor {
  return class HostSerial {
    constructor(options: SerialOptions) {
      return new Serial({ ...options, device: path } as SerialOptions);
    }
  } as unknown as SerialConstructor;
}

export function hostDevice(options: HostDeviceOptions): DeviceProvider {
  const o = { ...options };
  const path = typeof o.scannerDevice === 'string' ? o.scannerDevice.trim() : '';
  return Object.freeze({
    io: Object.freeze({
      Serial: path ? serialOn(o.Serial, path) : UnwiredSerial,
      Digital: UnwiredDigital,
      PWM: UnwiredPWM,
    }),
  });
}
