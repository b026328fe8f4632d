/**
 * When the local console is served. It needs no key (it calls the service in-process), so it is
 * only served where nobody else can reach it: on a loopback address, unless the user says
 * otherwise with `SNAPSHOT_CONSOLE_ALLOW_REMOTE=1` (see docs/console.md).
 */
import type { Env } from '../../entry/config';

export interface ConsoleOptions {
  /** Serve `/console/` at all. @default true */
  readonly enabled?: boolean;
  /**
   * Serve it even when the service listens on a non-loopback address (anyone who can reach the
   * port can then submit jobs and upload files without a key). @default false
   */
  readonly allowRemote?: boolean;
  /** Largest upload into the input bucket, in bytes. @default 512 MiB */
  readonly maxUploadBytes?: number;
}

export const DEFAULT_MAX_UPLOAD_BYTES = 512 * 1024 * 1024;

/** `SNAPSHOT_CONSOLE=0` turns the console off; `SNAPSHOT_CONSOLE_ALLOW_REMOTE=1` lifts the loopback rule. */
export function readConsoleEnv(env: Env): ConsoleOptions {
  const flag = (name: string) => /^(1|true|yes|on)$/i.test(env[name]?.trim() ?? '');
  const off = /^(0|false|no|off)$/i.test(env.SNAPSHOT_CONSOLE?.trim() ?? '');
  return { enabled: !off, allowRemote: flag('SNAPSHOT_CONSOLE_ALLOW_REMOTE') };
}

/** 127.0.0.0/8, ::1 and `localhost`: addresses only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h) || /^::ffff:127(\.\d{1,3}){3}$/.test(h);
}

/** The host name of a `Host` header (`127.0.0.1:8080` → `127.0.0.1`, `[::1]:80` → `::1`). */
export function hostNameOf(hostHeader: string | undefined): string {
  const h = (hostHeader ?? '').trim();
  if (h.startsWith('[')) return h.slice(1, h.indexOf(']') > 0 ? h.indexOf(']') : undefined);
  return h.split(':')[0];
}

/** What `npm start` prints about the console. */
export function describeConsole(endpoint: string, listenHost: string, options: ConsoleOptions): string {
  if (options.enabled === false) return 'off (SNAPSHOT_CONSOLE=0)';
  if (!options.allowRemote && !isLoopbackHost(listenHost)) return `off: ${listenHost} is not a loopback address (SNAPSHOT_CONSOLE_ALLOW_REMOTE=1 serves it anyway)`;
  return `${endpoint}/console/`;
}
