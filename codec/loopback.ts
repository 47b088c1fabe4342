/**
 * The addresses a development codec server may bind to. Not `localhost`: that is a name, and a
 * hosts file or resolver can point it anywhere.
 */
export const LOOPBACK_ADDRESSES: readonly string[] = ['127.0.0.1', '::1'];

/**
 * The Host names a loopback-bound codec server answers to. Any other name reaching a loopback
 * port is a page that rebound its own DNS name to 127.0.0.1 to read the answers.
 */
export const LOOPBACK_HOST_NAMES: readonly string[] = ['localhost', '127.0.0.1', '[::1]'];

/** Whether an address to bind to is loopback-only. */
export function isLoopbackAddress(address: string): boolean {
  return LOOPBACK_ADDRESSES.includes(address);
}

const HOST_HEADER = /^[A-Za-z0-9.-]+(:\d+)?$|^\[[0-9A-Fa-f:.]+\](:\d+)?$/;

/** The host name of a Host header, lower-cased and without its port; undefined when malformed. */
export function hostNameOf(hostHeader: string | undefined): string | undefined {
  if (!hostHeader || !HOST_HEADER.test(hostHeader)) return undefined;
  return new URL(`http://${hostHeader}`).hostname.toLowerCase();
}
