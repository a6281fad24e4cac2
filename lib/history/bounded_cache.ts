/**
 * Stores `value` as the newest entry of a map used as a bounded cache (a `Map` keeps insertion
 * order), dropping the oldest entries past `cap`. Storing a key again makes it the newest.
 */
export function putNewest<K, V>(map: Map<K, V>, key: K, value: V, cap: number): void {
  map.delete(key);
  map.set(key, value);
  while (map.size > cap) map.delete(map.keys().next().value!);
}
