/**
 * Applies the config's `[keys.bind]` overrides to a keymap and checks the result: unknown action names, keys that
 * cannot be read, and two actions on one chord in one scope are problems the config loader reports with file:line.
 */
import { CHORD_HELP, canonicalSpec, chordProblem } from './chord.js';
import { baseBindings, type Binding, type KeyScope, type KeymapName } from './key-bindings.js';
import { MODE_SCOPES } from './resolve.js';

/** One thing wrong with `[keys.bind]`: `action` is the key under `[keys.bind]` it concerns. */
export interface KeymapProblem {
  action: string;
  message: string;
}

export interface BuiltKeymap {
  /** The bindings to resolve presses with (the base table when there are problems). */
  bindings: Binding[];
  problems: KeymapProblem[];
}

/** The action names `[keys.bind]` accepts for this keymap, in table order. */
export function actionNames(name: KeymapName): string[] {
  return [...new Set(baseBindings(name).map((b) => b.command))];
}

function coexist(a: KeyScope, b: KeyScope): boolean {
  return Object.values(MODE_SCOPES).some((list) => (list as readonly KeyScope[]).includes(a) && (list as readonly KeyScope[]).includes(b));
}

/** `a` equals `b` or is the first chords of it (then `b` could never be typed). */
function overlaps(a: string, b: string): boolean {
  return a === b || b.startsWith(`${a} `) || a.startsWith(`${b} `);
}

/**
 * The keymap `name` with `bind` applied. An override replaces all keys of that action (its first binding keeps the
 * scope; further bindings of the same action are dropped; an empty list unbinds it). A chord the user binds is taken
 * away from the built-in bindings of other scopes it would shadow or be shadowed by; the same chord twice in one scope
 * is a problem naming both actions.
 */
export function buildKeymap(name: KeymapName, bind: Readonly<Record<string, string | readonly string[]>> = {}): BuiltKeymap {
  const base = baseBindings(name);
  const valid = actionNames(name);
  const problems: KeymapProblem[] = [];
  const overrides = new Map<string, string[]>();
  for (const [action, value] of Object.entries(bind)) {
    if (!valid.includes(action)) {
      problems.push({ action, message: `unknown action '${action}'; valid actions: ${valid.join(', ')}` });
      continue;
    }
    const specs = typeof value === 'string' ? [value] : [...value];
    const bad = specs.map((s) => [s, chordProblem(s)] as const).find(([, p]) => p !== undefined);
    if (bad) {
      problems.push({ action, message: `'${bad[0]}' ${bad[1]}: ${CHORD_HELP}` });
      continue;
    }
    overrides.set(action, specs.map(canonicalSpec));
  }
  if (problems.length) return { bindings: [...base], problems };

  const seen = new Set<string>();
  let bindings: Binding[] = [];
  for (const b of base) {
    const keys = overrides.get(b.command);
    if (!keys) bindings.push(b);
    else if (!seen.has(b.command)) {
      seen.add(b.command);
      if (keys.length) bindings.push({ ...b, keys });
    }
  }
  const userChords = bindings.filter((b) => overrides.has(b.command)).flatMap((b) => b.keys.map((k) => ({ k, scope: b.scope })));
  bindings = bindings.map((b) => {
    if (overrides.has(b.command)) return b;
    const keys = b.keys.filter((k) => !userChords.some((u) => u.scope !== b.scope && coexist(u.scope, b.scope) && overlaps(u.k, canonicalSpec(k))));
    return keys.length === b.keys.length ? b : { ...b, keys };
  });
  bindings = bindings.filter((b) => b.keys.length > 0);

  for (let i = 0; i < bindings.length; i++) {
    for (let j = i + 1; j < bindings.length; j++) {
      const a = bindings[i]!;
      const b = bindings[j]!;
      if (a.scope !== b.scope || a.command === b.command) continue;
      for (const ka of a.keys) {
        const kb = b.keys.find((k) => overlaps(canonicalSpec(ka), canonicalSpec(k)));
        if (kb === undefined) continue;
        const blamed = overrides.has(b.command) ? b.command : a.command;
        const what = canonicalSpec(ka) === canonicalSpec(kb) ? `'${ka}' is bound twice` : `'${ka}' and '${kb}' collide`;
        problems.push({
          action: blamed,
          message: `${what} in the ${a.scope} keys: ${a.command} and ${b.command}; bind one of them to another key`,
        });
      }
    }
  }
  return { bindings: problems.length ? [...base] : bindings, problems };
}
