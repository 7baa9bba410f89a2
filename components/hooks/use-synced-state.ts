import { useState, useSyncExternalStore, type Dispatch, type SetStateAction } from "react";

/**
 * Local state that starts from `source` and starts over whenever `source` changes (compared with
 * Object.is): an editable copy of server data or props. React's "adjusting state when a prop changes"
 * pattern, set during render rather than in an effect, so no render shows the stale value.
 */
export function useSyncedState<S, T>(source: S, init: (source: S) => T): [T, Dispatch<SetStateAction<T>>] {
  const [state, setState] = useState(() => init(source));
  const [seen, setSeen] = useState(source);
  if (!Object.is(seen, source)) {
    setSeen(source);
    setState(init(source));
  }
  return [state, setState];
}

const noSubscribe = () => () => {};

/** False in the server render and during hydration, true once the component runs in the browser. */
export function useHydrated(): boolean {
  return useSyncExternalStore(
    noSubscribe,
    () => true,
    () => false,
  );
}
