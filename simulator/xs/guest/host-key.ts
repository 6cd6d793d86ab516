/** Where the prelude keeps xsnap's host functions once it has taken them off the global object. */
export const XSNAP_HOST: unique symbol = Symbol.for('busticket.xsnap.host') as never;
