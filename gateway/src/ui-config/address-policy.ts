// Which addresses the logo fetcher may connect to (docs/compatibility.md#on-disk-files: public addresses only). The check
// runs on every address a name resolves to, and the connection then goes to the checked address, so
// DNS rebinding between check and connect is not possible.
import ipaddr from 'ipaddr.js';

export interface AddressPolicy {
  /** Why the address is refused, or undefined when it may be used. */
  refuse(address: string): string | undefined;
}

/** Public unicast only: no loopback, private, link-local, CGNAT, multicast, reserved or v4-embedding v6 ranges. */
export const publicAddressesOnly: AddressPolicy = {
  refuse(address) {
    if (!ipaddr.isValid(address)) return 'not an IP address';
    // process(): ::ffff:127.0.0.1 is judged as 127.0.0.1.
    const range = ipaddr.process(address).range();
    return range === 'unicast' ? undefined : `${range} address`;
  },
};

/**
 * Tests can only reach loopback, so the end-to-end test of the caching path needs loopback allowed.
 * That is possible only from code running inside the gateway process (a `node --import` preload
 * sets this symbol; see gateway/test/allow-loopback-logos.ts): no setting, env var or request can.
 */
const TEST_ALLOW_LOOPBACK = Symbol.for('pi-forge.test.allowLoopbackLogoFetch');

export function logoAddressPolicy(): { policy: AddressPolicy; testLoopback: boolean } {
  if ((globalThis as Record<symbol, unknown>)[TEST_ALLOW_LOOPBACK] !== true) return { policy: publicAddressesOnly, testLoopback: false };
  return {
    testLoopback: true,
    policy: { refuse: (a) => (ipaddr.isValid(a) && ipaddr.process(a).range() === 'loopback' ? undefined : publicAddressesOnly.refuse(a)) },
  };
}
