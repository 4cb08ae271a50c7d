/** Money as the API writes it ("1280.50"), in whole fen for sums: integers, never a float of yuan. */
export function fen(amount: string): number {
  const [whole, part = ''] = amount.split('.');
  return Number(whole) * 100 + Number((part + '00').slice(0, 2)) * (amount.startsWith('-') ? -1 : 1);
}

export function yuan(f: number): string {
  const sign = f < 0 ? '-' : '';
  const a = Math.abs(f);
  return `${sign}${Math.floor(a / 100).toLocaleString('en')}.${String(a % 100).padStart(2, '0')}`;
}
