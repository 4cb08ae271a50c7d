/** Test helpers shared by the declarations tests. */
let counter = 0;
export function exitBody(bookId: string, lines: { itemId: string; quantity: string; valueCny: string; netWeightKg: string; dutyRate?: string; vatRate?: string; consumptionTaxRate?: string }[], requestId = `req-${Date.now()}-${++counter}`) {
  return {
    requestId,
    bookId,
    portCode: 'CNHAK-XINHAI',
    destination: { region: 'CN-MAINLAND', province: '广东', city: '湛江' },
    consignee: { name: '湛江某食品贸易有限公司' },
    contact: { name: '王海燕', phone: '0898-66668888' },
    transport: { mode: 'ROAD', plate: '琼A12345', containers: ['CSQU3054383'], seals: ['HK0001'], expectedGrossWeightKg: '1000' },
    packages: { count: 40, kind: '箱' },
    documents: { contractNo: 'HT-2026-001', invoiceNo: 'INV-2026-001' },
    lines: lines.map((l) => ({ dutyRate: '0.12', vatRate: '0.09', ...l })),
  };
}

