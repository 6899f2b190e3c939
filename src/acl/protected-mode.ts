/**
 * protected-mode (Redis's clientAcceptHandler): while it is on and the default user has no
 * password, only loopback and Unix-socket clients may connect; the others get DENIED and go.
 */

/** Whether a new connection from `remoteAddress` (undefined for a Unix socket) is refused. */
export function protectedModeRefuses(
  protectedMode: boolean,
  defaultUserNoPass: boolean,
  remoteAddress: string | undefined,
): boolean {
  return protectedMode && defaultUserNoPass && !isLoopback(remoteAddress);
}

/** Redis's connIsLocal: a Unix socket, 127.0.0.0/8 or ::1 (also as an IPv4-mapped address). */
export function isLoopback(remoteAddress: string | undefined): boolean {
  if (remoteAddress === undefined) return true;
  const address = remoteAddress.startsWith('::ffff:') ? remoteAddress.slice(7) : remoteAddress;
  return address.startsWith('127.') || address === '::1';
}
