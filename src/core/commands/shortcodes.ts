/**
 * `:shortcode:` names for the reactions people use most (the names Slack, GitHub and Element share), so `/react
 * :thumbsup:` works on a keyboard without an emoji picker. Anything else is sent as typed.
 */
export const shortcodes: Readonly<Record<string, string>> = {
  '+1': '👍',
  thumbsup: '👍',
  '-1': '👎',
  thumbsdown: '👎',
  heart: '❤️',
  joy: '😂',
  laughing: '😆',
  smile: '😄',
  slightly_smiling_face: '🙂',
  wink: '😉',
  open_mouth: '😮',
  astonished: '😲',
  cry: '😢',
  sob: '😭',
  tada: '🎉',
  fire: '🔥',
  eyes: '👀',
  pray: '🙏',
  clap: '👏',
  ok_hand: '👌',
  wave: '👋',
  rocket: '🚀',
  thinking: '🤔',
  thinking_face: '🤔',
  white_check_mark: '✅',
  heavy_check_mark: '✔️',
  check: '✔️',
  x: '❌',
  100: '💯',
  star: '⭐',
  sparkles: '✨',
  warning: '⚠️',
  bug: '🐛',
  coffee: '☕',
  party: '🥳',
  partying_face: '🥳',
  facepalm: '🤦',
  shrug: '🤷',
  see_no_evil: '🙈',
  muscle: '💪',
};

/** The emoji a `:name:` stands for; other text unchanged. Unknown shortcodes are an error for the caller to show. */
export function expandShortcode(text: string): { key: string; unknown?: string } {
  const m = /^:([a-z0-9_+-]+):$/i.exec(text);
  if (!m) return { key: text };
  const emoji = shortcodes[m[1]!.toLowerCase()];
  return emoji ? { key: emoji } : { key: text, unknown: m[1]! };
}

/** The reactions offered by the picker (keys 1–6 in the timeline's reaction picker). */
export const quickReactions: readonly string[] = ['👍', '❤️', '😂', '😮', '😢', '🎉'];
