import { customType } from 'drizzle-orm/pg-core';

/** JSON kept as text: what was set is exactly what is read back (a decimal string stays a string). */
export const jsonText = customType<{ data: unknown; driverData: string }>({
  dataType: () => 'text',
  toDriver: (v) => JSON.stringify(v),
  fromDriver: (v) => JSON.parse(v),
});

/** A 64-bit transaction id (`pg_current_xact_id()`), kept as text: it never passes through a JS number. */
export const xid8 = customType<{ data: string; driverData: string }>({
  dataType: () => 'xid8',
  toDriver: (v) => v,
  fromDriver: (v) => String(v),
});
