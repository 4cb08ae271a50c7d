/** The exit form's draft: a goods line as typed, the books and items it picks from, the fields it shows errors at. */
export interface Line {
  itemId: string;
  quantity: string;
  valueCny: string;
  netWeightKg: string;
  domesticVatPaid: boolean;
}

export interface Book {
  id: string;
  regime: string;
  bookNo: string;
}

export interface Item {
  id: string;
  itemNo: string;
  name: string;
  hsCode: string;
  unit: string;
  originCountry?: string;
  available?: string;
}

// No rate is typed: the tariff table's apply, by the item's code and origin on the day (shown on the line).
export const emptyLine = (): Line => ({
  itemId: '',
  quantity: '',
  valueCny: '',
  netWeightKg: '',
  domesticVatPaid: false,
});

/** The fields the form shows the server's findings at (the rest are listed under it). */
export function shownFields(lineCount: number): string[] {
  return [
    'bookId',
    'portCode',
    'destination.province',
    'consignee.name',
    'transport.plate',
    'transport.containers',
    'transport.seals',
    'transport.expectedGrossWeightKg',
    'packages',
    ...Array.from({ length: lineCount }).flatMap((_, i) =>
      // The table's refusal of a line's rates (no tariff line on the day) is shown at its rates, as dutyRate.
      ['itemId', 'quantity', 'valueCny', 'netWeightKg', 'dutyRate'].map((k) => `lines[${i}].${k}`),
    ),
  ];
}

/** A line as the server takes it: no rates (the server takes every rate from the tariff table). */
export const lineBody = (l: Line) => ({
  itemId: l.itemId,
  quantity: l.quantity,
  valueCny: l.valueCny,
  netWeightKg: l.netWeightKg,
  domesticVatPaid: l.domesticVatPaid,
});
