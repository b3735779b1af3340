/** What the controls take from outside the player feature. */
import type { Title } from "../../../schemas/catalog.ts";

/** The episode that follows, worked out by the app shell; `play` switches to it. */
export interface NextUp {
  title: Title;
  play(): void;
}
