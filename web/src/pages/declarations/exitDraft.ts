/** The exit form's draft: a goods line as typed, the books and items it picks from, the fields it shows errors at. */
export interface Line {
  itemId: string;
  quantity: string;
  valueCny: string;
  netWeightKg: string;
  dutyRate: string;
  vatRate: string;
  consumptionTaxRate: string;
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
  available?: string;
}

// No duty rate is assumed: left empty, the tariff table's applies; a 0 typed on goods that owe duty is refused.
export const emptyLine = (): Line => ({
  itemId: '',
  quantity: '',
  valueCny: '',
  netWeightKg: '',
  dutyRate: '',
  vatRate: '0.13',
  consumptionTaxRate: '',
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
      ['itemId', 'quantity', 'valueCny', 'netWeightKg', 'dutyRate', 'consumptionTaxRate'].map(
        (k) => `lines[${i}].${k}`,
      ),
    ),
  ];
}

/** A line as the server takes it: an empty duty or consumption tax rate is left out (the tariff table's applies). */
export const lineBody = (l: Line) => ({
  itemId: l.itemId,
  quantity: l.quantity,
  valueCny: l.valueCny,
  netWeightKg: l.netWeightKg,
  ...(l.dutyRate ? { dutyRate: l.dutyRate } : {}),
  vatRate: l.vatRate,
  ...(l.consumptionTaxRate ? { consumptionTaxRate: l.consumptionTaxRate } : {}),
  domesticVatPaid: l.domesticVatPaid,
});
