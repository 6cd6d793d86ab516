/**
 * Modular arithmetic on bigint for a prime modulus. XS implements bigint in
 * C, so one multiply and one `%` beat any limb arithmetic written in JS; the
 * cost worth avoiding is the number of operations, not their width.
 */

/** a mod m in [0, m) for any sign of a. */
export function mod(a: bigint, m: bigint): bigint {
  const r = a % m;
  return r < 0n ? r + m : r;
}

/**
 * 1/a mod m, m prime, a not a multiple of m (callers check). Extended Euclid:
 * a few hundred bigint operations, several times cheaper than Fermat's
 * a^(m-2) on XS.
 */
export function invert(a: bigint, m: bigint): bigint {
  let r0 = m;
  let r1 = mod(a, m);
  let t0 = 0n;
  let t1 = 1n;
  while (r1 !== 0n) {
    const q = r0 / r1;
    const r2 = r0 - q * r1;
    r0 = r1;
    r1 = r2;
    const t2 = t0 - q * t1;
    t0 = t1;
    t1 = t2;
  }
  if (r0 !== 1n) throw new RangeError('not invertible');
  return t0 < 0n ? t0 + m : t0;
}

/** base^exponent mod m, exponent >= 0. */
export function pow(base: bigint, exponent: bigint, m: bigint): bigint {
  let result = 1n;
  let b = mod(base, m);
  let e = exponent;
  while (e > 0n) {
    if ((e & 1n) === 1n) result = (result * b) % m;
    b = (b * b) % m;
    e >>= 1n;
  }
  return result;
}

/**
 * Replaces every value with its inverse mod m using one inversion for all
 * (Montgomery's trick: 3 multiplications each). No value may be 0 mod m.
 */
export function invertAll(values: bigint[], m: bigint): void {
  const n = values.length;
  if (n === 0) return;
  const prefix: bigint[] = new Array(n);
  let running = 1n;
  for (let i = 0; i < n; i++) {
    running = (running * values[i]) % m;
    prefix[i] = running;
  }
  let inv = invert(running, m);
  for (let i = n - 1; i > 0; i--) {
    const vi = values[i];
    values[i] = (inv * prefix[i - 1]) % m;
    inv = (inv * vi) % m;
  }
  values[0] = inv;
}
