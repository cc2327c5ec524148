import { type ZodRawShape, z } from 'zod';

/**
 * A part's configuration: its environment variables, parsed with the kernel's at start-up (a bad
 * value stops the start naming the variable) and listed by `peacetalks --help`. The part reads the
 * parsed values with `get()`; tests may `set()` them.
 */
export interface ModuleConfig<S extends ZodRawShape> {
  shape: S;
  get(): z.output<z.ZodObject<S>>;
  set(values: Partial<z.output<z.ZodObject<S>>>): void;
}

export function defineConfig<S extends ZodRawShape>(shape: S): ModuleConfig<S> {
  const schema = z.object(shape);
  let values = schema.parse({}) as z.output<z.ZodObject<S>>;
  return {
    shape,
    get: () => values,
    set(v) {
      values = { ...values, ...v };
    },
  };
}
