import { badInput } from '../errors';

/** An integer in [min, max], else BAD_USER_INPUT naming the field. */
export function intIn(field: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw badInput(field, value, `an integer from ${min} to ${max}`);
  }
  return value;
}

/** A finite number in (min, max] or [min, max], else BAD_USER_INPUT. */
export function numberIn(field: string, value: number, min: number, max: number, openMin = false): number {
  if (!Number.isFinite(value) || value > max || (openMin ? value <= min : value < min)) {
    throw badInput(field, value, `a number in ${openMin ? '(' : '['}${min}, ${max}]`);
  }
  return value;
}

/** A trimmed name of 1–200 characters. */
export function name(field: string, value: string): string {
  const v = value.trim();
  if (v.length < 1 || v.length > 200) throw badInput(field, value, 'a name of 1 to 200 characters');
  return v;
}

/** True when PostgreSQL refused a duplicate. */
export const isUniqueViolation = (err: unknown): boolean => (err as { code?: string })?.code === '23505';
