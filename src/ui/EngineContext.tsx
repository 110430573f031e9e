/** React context carrying the engine and its shared change view to every component. */
import { createContext, useContext } from 'react';
import type { EngineApi } from '../core/engine-api.js';
import type { EngineView } from './engine-view.js';

export interface EngineContextValue {
  engine: EngineApi;
  view: EngineView;
}

export const EngineContext = createContext<EngineContextValue | undefined>(undefined);

/** The engine and view of the surrounding {@link EngineContext}; throws outside of one (a programming error). */
export function useEngineContext(): EngineContextValue {
  const value = useContext(EngineContext);
  if (!value) throw new Error('natter UI: component rendered outside EngineContext');
  return value;
}
