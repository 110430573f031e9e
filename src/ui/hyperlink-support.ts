/**
 * Whether to write OSC 8 hyperlinks. Terminals that do not know OSC 8 should ignore it, but some print the URL or
 * garbage instead, so "auto" says yes only for terminals known to support it; `[ui] hyperlinks = true|false`
 * overrides the guess.
 */

/** The `[ui] hyperlinks` setting. */
export type HyperlinkSetting = boolean | 'auto';

/** TERM_PROGRAM values of terminals with OSC 8 support. */
const PROGRAMS = new Set(['iTerm.app', 'WezTerm', 'vscode', 'ghostty', 'Hyper', 'rio', 'Tabby', 'contour']);

/**
 * Conservative detection from the environment: iTerm2 ≥ 3.1, WezTerm, VS Code, Ghostty (TERM_PROGRAM), kitty
 * (KITTY_WINDOW_ID or TERM xterm-kitty), WezTerm (WEZTERM_EXECUTABLE), foot, Windows Terminal (WT_SESSION), VTE ≥ 0.50
 * (VTE_VERSION 5000: GNOME Terminal, Tilix …), Konsole ≥ 21.04 (KONSOLE_VERSION 210400). Under tmux/screen the
 * sequences would need passthrough: no.
 */
export function detectHyperlinks(env: NodeJS.ProcessEnv = process.env): boolean {
  const term = env['TERM'] ?? '';
  if (env['TMUX'] !== undefined || term.startsWith('screen') || term.startsWith('tmux')) return false;
  if (term === 'dumb') return false;
  const program = env['TERM_PROGRAM'] ?? '';
  if (program === 'iTerm.app') {
    const [major = 0, minor = 0] = (env['TERM_PROGRAM_VERSION'] ?? '').split('.').map(Number);
    return major > 3 || (major === 3 && minor >= 1);
  }
  if (PROGRAMS.has(program)) return true;
  if (env['KITTY_WINDOW_ID'] !== undefined || term === 'xterm-kitty') return true;
  if (env['WEZTERM_EXECUTABLE'] !== undefined || env['WT_SESSION'] !== undefined) return true;
  if (term === 'foot' || term.startsWith('foot-')) return true;
  const vte = Number(env['VTE_VERSION'] ?? '');
  if (Number.isFinite(vte) && vte >= 5000) return true;
  const konsole = Number(env['KONSOLE_VERSION'] ?? '');
  return Number.isFinite(konsole) && konsole >= 210400;
}

/** The setting resolved: true/false as configured, "auto" (the default) by {@link detectHyperlinks}. */
export function hyperlinksEnabled(setting: HyperlinkSetting | undefined, env: NodeJS.ProcessEnv = process.env): boolean {
  return setting === undefined || setting === 'auto' ? detectHyperlinks(env) : setting;
}
