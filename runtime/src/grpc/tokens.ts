/** Injection tokens for the process-wide config and logger. */
export const CONFIG = Symbol('CONFIG');
export const LOGGER = Symbol('LOGGER');
