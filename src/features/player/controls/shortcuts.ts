/**
 * The player's keyboard shortcuts as data: which key does what, and the list the "?" help
 * shows. Pure, so the mapping is tested without a browser; Controls.tsx applies the actions.
 */

export type ShortcutAction =
  | { type: "togglePlay" }
  | { type: "seekBy"; seconds: number }
  | { type: "seekToFraction"; fraction: number }
  | { type: "volumeBy"; delta: number }
  | { type: "toggleMute" }
  | { type: "toggleFullscreen" }
  | { type: "speedStep"; direction: 1 | -1 }
  | { type: "toggleHelp" };

/** The parts of a KeyboardEvent the mapping reads. */
export interface KeyInput {
  key: string;
  shiftKey?: boolean;
  ctrlKey?: boolean;
  altKey?: boolean;
  metaKey?: boolean;
}

export const SPEEDS = [0.5, 0.75, 1, 1.25, 1.5, 1.75, 2] as const;

/** One step along SPEEDS from `current` (a rate between steps goes to the nearest one that way). */
export function stepSpeed(current: number, direction: 1 | -1): number {
  if (direction > 0) return SPEEDS.find((s) => s > current + 1e-9) ?? SPEEDS[SPEEDS.length - 1]!;
  return [...SPEEDS].reverse().find((s) => s < current - 1e-9) ?? SPEEDS[0];
}

export function actionForKey(input: KeyInput): ShortcutAction | null {
  // Modified keys belong to the browser and to the stats toggle (Ctrl+Alt+Shift+D).
  if (input.ctrlKey || input.altKey || input.metaKey) return null;
  const key = input.key;
  if (/^[0-9]$/.test(key)) return { type: "seekToFraction", fraction: Number(key) / 10 };
  switch (key.length === 1 ? key.toLowerCase() : key) {
    case " ":
    case "k":
      return { type: "togglePlay" };
    case "f":
      return { type: "toggleFullscreen" };
    case "m":
      return { type: "toggleMute" };
    case "ArrowLeft":
      return { type: "seekBy", seconds: -5 };
    case "ArrowRight":
      return { type: "seekBy", seconds: 5 };
    case "j":
      return { type: "seekBy", seconds: -10 };
    case "l":
      return { type: "seekBy", seconds: 10 };
    case "ArrowUp":
      return { type: "volumeBy", delta: 0.05 };
    case "ArrowDown":
      return { type: "volumeBy", delta: -0.05 };
    // Shift+. and Shift+, give ">" and "<" on US layouts; other layouts send the characters.
    case ">":
      return { type: "speedStep", direction: 1 };
    case "<":
      return { type: "speedStep", direction: -1 };
    case "?":
      return { type: "toggleHelp" };
    default:
      return null;
  }
}

/** What the help lists, in order. */
export const SHORTCUT_HELP: ReadonlyArray<{ keys: string[]; does: string }> = [
  { keys: ["Space", "K"], does: "Play or pause" },
  { keys: ["←", "→"], does: "Back or forward 5 seconds" },
  { keys: ["J", "L"], does: "Back or forward 10 seconds" },
  { keys: ["↑", "↓"], does: "Volume up or down" },
  { keys: ["M"], does: "Mute or unmute" },
  { keys: ["F"], does: "Full screen" },
  { keys: ["0", "…", "9"], does: "Jump to 0 % … 90 %" },
  { keys: ["Shift+>", "Shift+<"], does: "Faster or slower" },
  { keys: ["?"], does: "Show or hide this help" },
  { keys: ["Ctrl+Alt+Shift+D"], does: "Playback statistics" },
];

/** Where a seek lands: inside [0, duration], and short of the very end so it does not end at once. */
export function clampTime(time: number, durationSec: number): number {
  if (!Number.isFinite(durationSec) || durationSec <= 0) return Math.max(0, time);
  return Math.min(Math.max(0, time), Math.max(0, durationSec - 0.1));
}

export const clampVolume = (v: number) => Math.min(1, Math.max(0, Math.round(v * 100) / 100));
