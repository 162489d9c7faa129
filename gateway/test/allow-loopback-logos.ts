// TEST-ONLY preload (`NODE_OPTIONS=--import <this file>`): lets the gateway's logo cache fetch from
// loopback, the only network a test has, so the caching path can be tested end to end. Nothing but
// code running inside the process can set this symbol (see gateway/src/ui-config/address-policy.ts).
(globalThis as Record<symbol, unknown>)[Symbol.for('pi-forge.test.allowLoopbackLogoFetch')] = true;
export {};
