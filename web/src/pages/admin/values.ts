/** A parameter's value as text: strings as they are, anything else as JSON. */
export const showValue = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));
