/**
 * The root component: creates the shared {@link EngineView} (one engine subscription for the whole UI), provides it
 * through {@link EngineContext}, and renders the {@link Screen}.
 */
import { useEffect, useMemo } from 'react';
import type { EngineApi } from '../core/engine-api.js';
import { EngineContext } from './EngineContext.js';
import { EngineView } from './engine-view.js';
import { NotificationWatcher, type NotifyOptions } from './notification-watcher.js';
import { Screen, type KeysOptions } from './Screen.js';
import type { SideKeys } from './terminal-input.js';
import type { ImageOutput } from './image/probe.js';
import { defaultDisplay, type DisplayOptions } from './time-format.js';

export interface AppProps {
  engine: EngineApi;
  /** Presses Ink cannot deliver (F1, mouse wheel); see terminal-input.ts. */
  sideKeys?: SideKeys;
  /** Open the help overlay at start. */
  showHelp?: boolean;
  /** Timeline display options (config `[ui]`); defaults: timestamps on, joins collapsed, `HH:mm`. */
  display?: Partial<DisplayOptions>;
  /** Called after the quit action was dispatched, just before the app exits. */
  onQuit?: () => void;
  /** Called after each key press or paste was handled (its state updates are queued); see start-tui.tsx. */
  onInputHandled?: () => void;
  /** Config `[keys]`: the keymap and `[keys.bind]` overrides; default: the default keymap. */
  keys?: KeysOptions;
  /** Config `[notifications]` and where its escape sequences go (the terminal); absent: no notifications. */
  notifications?: { options: NotifyOptions; write(bytes: string): void };
  /** How image previews reach the terminal (`[ui] images`, probed on first use); absent: half-blocks. */
  images?: ImageOutput;
}

export function App({ engine, sideKeys, showHelp, display, onQuit, onInputHandled, keys, notifications, images }: AppProps) {
  const view = useMemo(() => {
    const v = new EngineView(engine);
    // Subscribe during the first render so no change between render and effects is missed.
    v.start();
    return v;
  }, [engine]);
  useEffect(() => {
    view.start();
    return () => view.stop();
  }, [view]);
  useEffect(() => {
    if (!notifications) return undefined;
    const watcher = new NotificationWatcher({
      engine,
      options: notifications.options,
      write: (bytes) => notifications.write(bytes),
      visibleConversation: () => view.visibleConversation(),
    });
    watcher.start();
    // Focus reports (DECSET 1004) come through the side channel: a focused terminal showing the conversation is quiet.
    const off = sideKeys?.subscribe((p) => {
      if (p.name === 'focusin' || p.name === 'focusout') watcher.setFocused(p.name === 'focusin');
    });
    return () => {
      off?.();
      watcher.stop();
    };
  }, [engine, view, notifications, sideKeys]);
  const value = useMemo(() => ({ engine, view }), [engine, view]);
  const timestamps = display?.timestamps;
  const collapseJoins = display?.collapseJoins;
  const timeFormat = display?.timeFormat;
  const hyperlinks = display?.hyperlinks;
  const openCommand = display?.openCommand;
  const people = display?.people;
  const resolved = useMemo(
    () => ({
      timestamps: timestamps ?? defaultDisplay.timestamps,
      collapseJoins: collapseJoins ?? defaultDisplay.collapseJoins,
      timeFormat: timeFormat ?? defaultDisplay.timeFormat,
      hyperlinks: hyperlinks ?? false,
      ...(openCommand !== undefined && { openCommand }),
      ...(people !== undefined && { people }),
    }),
    [timestamps, collapseJoins, timeFormat, hyperlinks, openCommand, people],
  );
  return (
    <EngineContext.Provider value={value}>
      <Screen sideKeys={sideKeys} display={resolved} showHelp={showHelp === true} onQuit={onQuit} onInputHandled={onInputHandled}
        keys={keys}
        images={images}
      />
    </EngineContext.Provider>
  );
}
