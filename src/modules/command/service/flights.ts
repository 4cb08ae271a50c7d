/**
 * One summary computation for many readers. Every open command centre reads the summary again on
 * each `changed` message, all at about the same moment: a reader that arrives while a computation
 * of the same window is running takes its result instead of starting another, provided no event
 * was delivered since that computation started (the live feed's version), so nobody is handed
 * figures older than the change that made it ask. Nothing is kept once a computation ends.
 */
export function singleFlight<K extends string, T>(
  compute: (key: K) => Promise<T>,
  version: () => number,
): (key: K) => Promise<T> {
  const flights = new Map<string, Promise<T>>();
  return (key) => {
    const id = `${key}@${version()}`;
    let flight = flights.get(id);
    if (!flight) {
      flight = compute(key).finally(() => flights.delete(id));
      flights.set(id, flight);
    }
    return flight;
  };
}
