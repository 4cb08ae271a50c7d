import { customType } from 'drizzle-orm/pg-core';

/** JSON kept as text: what was set is exactly what is read back (a decimal string stays a string). */
export const jsonText = customType<{ data: unknown; driverData: string }>({
  dataType: () => 'text',
  toDriver: (v) => JSON.stringify(v),
  fromDriver: (v) => JSON.parse(v),
});
