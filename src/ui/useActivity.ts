/**
 * Tells the engine whether the user is here: `activity` false after five minutes without input or when the terminal
 * reports that it lost focus (DECSET 1004, see terminal-input.ts), true again on the next input or focus-in. The
 * engine passes changes to the adapters (setActive: XEP-0352 Client State Indication, Matrix presence).
 */
import { useCallback, useEffect, useRef } from 'react';
import type { EngineApi } from '../core/engine-api.js';

/** Idle after this long without a key press. */
export const idleAfterMs = 5 * 60 * 1000;

export interface ActivityControls {
  /** A key press or paste arrived. */
  input(): void;
  /** The terminal gained (true) or lost (false) focus. */
  focus(focused: boolean): void;
}

export function useActivity(engine: EngineApi, idleMs = idleAfterMs): ActivityControls {
  const active = useRef(true);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const set = useCallback(
    (value: boolean) => {
      if (active.current === value) return;
      active.current = value;
      void engine.dispatch({ type: 'activity', active: value });
    },
    [engine],
  );

  const arm = useCallback(() => {
    clearTimeout(timer.current);
    timer.current = setTimeout(() => set(false), idleMs);
    timer.current.unref?.();
  }, [idleMs, set]);

  useEffect(() => {
    arm();
    return () => clearTimeout(timer.current);
  }, [arm]);

  const input = useCallback(() => {
    set(true);
    arm();
  }, [set, arm]);

  const focus = useCallback(
    (focused: boolean) => {
      if (focused) {
        set(true);
        arm();
      } else {
        clearTimeout(timer.current);
        set(false);
      }
    },
    [set, arm],
  );

  return { input, focus };
}
