/**
 * The built-in demo catalog: titles whose pictures and voices ffmpeg makes itself (lavfi
 * sources, drawtext title cards, flite speech), so nothing has to be downloaded. The
 * sources differ in complexity on purpose, so that per-title encoding has something to find,
 * and last long enough that a player cannot buffer a whole title at once (a throttle in the
 * network lab then shows on screen): a 4-minute feature made of four scenes (flat animation,
 * a talking head, high motion, film grain), a series of three 1-minute episodes, and two
 * 30 s titles (a fractal spin, a fast pan at 1080p).
 *
 * The whole build (sources and encodes) is held to about 7 minutes on 2 cores (README,
 * "npm start"): the feature tops out at 540p and the episodes at 360p, where the encodes of
 * long titles cost little; the 1080p and 720p ladders come from the 30 s titles.
 */
import type { TitleInfo } from "../../src/schemas/catalog.ts";
import type { SourceMetadata } from "../sources/metadata.ts";

export interface SpokenLine {
  en: string;
  es: string;
}

export interface DemoTitle {
  id: string;
  width: number;
  height: number;
  durationSec: number;
  /** lavfi graph producing the picture at `width`x`height`, 24 fps. */
  video: string;
  /** Spoken in English and Spanish, one line every few seconds, and subtitled in both. */
  lines: SpokenLine[];
  metadata: SourceMetadata;
}

const FPS = 24;

const cellularSeries: TitleInfo & { id: string } = {
  id: "cellular",
  name: "Cellular",
  synopsis:
    "Three evenings with the simplest machines there are: a row of cells, one rule, and the patterns that grow from it.",
  year: 2026,
  genres: ["Documentary", "Science"],
  tags: { mood: ["curious", "hypnotic"], pace: "medium", themes: ["emergence", "mathematics"] },
};

/** 24 fps, square pixels and one pixel format: what the concat filter needs of every scene. */
function scene(graph: string, width: number, height: number, sec: number): string {
  return `${graph},scale=${width}:${height},setsar=1,format=yuv420p,trim=duration=${sec},setpts=PTS-STARTPTS`;
}

/** Scenes played one after another, as one lavfi graph (the drawtext card is appended to it). */
export function concatScenes(scenes: readonly string[]): string {
  const labelled = scenes.map((s, i) => `${s}[s${i}]`);
  const inputs = scenes.map((_, i) => `[s${i}]`).join("");
  return `${labelled.join(";")};${inputs}concat=n=${scenes.length}:v=1:a=0`;
}

const FEATURE = { width: 960, height: 540, sceneSec: 60 };

/** The feature's scenes, each a minute, in increasing cost to encode. */
const FEATURE_SCENES = [
  // A slow Game of Life in flat colours, held four frames a step: cel animation's flat fills.
  `life=s=240x135:r=6:mold=8:ratio=0.35:life_color=#f4b860:death_color=#1d2d50:seed=7,fps=${FPS},scale=960:540:flags=neighbor`,
  // A textured wall, a head and shoulders that barely move, a slowly swaying camera.
  `gradients=s=240x135:r=${FPS}:c0=0x2b3a55:c1=0x5b4a4a:nb_colors=2:seed=3,noise=alls=2,` +
    `trim=end_frame=1,loop=loop=-1:size=1,setpts=N/${FPS}/TB,scale=960:540:flags=bicubic,` +
    "drawbox=x=380+3*sin(t):y=310:w=200:h=230:color=0x1f1f2a:t=fill," +
    "drawbox=x=425+3*sin(t):y=150:w=110:h=145:color=0xc9a27e:t=fill," +
    "drawbox=x=460+3*sin(t):y=250:w=40:h=6+5*abs(sin(7*t)):color=0x5a2e2e:t=fill," +
    "crop=952:532:4+3*sin(t*0.7):4+3*sin(t*0.5)",
  // A fast pan over sharp, saturated detail: every pixel moves every frame.
  `testsrc2=s=960x540:r=${FPS},scroll=horizontal=0.004:vertical=0.001,hue=H=t/2`,
  // Heavy grain over a soft scene, grains two pixels wide as on film: bits the encoder must spend.
  `gradients=s=480x270:r=${FPS}:speed=0.01:c0=0x3a2f28:c1=0x8a7560:nb_colors=2:seed=11,` +
    "drawbox=x=60+6*t:y=100:w=70:h=120:color=0x1a1410:t=fill," +
    "noise=alls=10:allf=t,scale=960:540:flags=bicubic",
].map((graph) => scene(graph, FEATURE.width, FEATURE.height, FEATURE.sceneSec));

function episode(
  n: number,
  rule: number,
  name: string,
  synopsis: string,
  lines: SpokenLine[],
): DemoTitle {
  return {
    id: `cellular-s1e${n}`,
    // 360p: sharp-edged cells at 2x2 pixels, and a minute of them encodes in seconds.
    width: 640,
    height: 360,
    durationSec: 60,
    video: `cellauto=s=320x180:rule=${rule}:r=${FPS}:random_fill_ratio=0.5:seed=${n},scale=640:360:flags=neighbor`,
    lines,
    metadata: {
      info: { ...cellularSeries, name, synopsis, tags: { ...cellularSeries.tags } },
      episode: { seriesId: "cellular", season: 1, episode: n },
      series: cellularSeries,
    },
  };
}

export const DEMO_TITLES: readonly DemoTitle[] = [
  // In the order they are encoded, and their sources made (two at a time): the episodes
  // first, whose sources take seconds and which encode in about 30 s each, so the home page has
  // a title within a minute of a fresh start; then fractal-dive, the feature, the 1080p title.
  episode(
    1,
    30,
    "Cellular: Rule 30",
    "Chaos from one rule: a pattern so random it once drove a random number generator.",
    [
      { en: "One row of cells. One rule.", es: "Una fila de células. Una regla." },
      {
        en: "And still nobody can predict the middle column.",
        es: "Y aun así nadie puede predecir la columna central.",
      },
    ],
  ),
  episode(
    2,
    90,
    "Cellular: Rule 90",
    "Order from the same machinery: triangles inside triangles, forever.",
    [
      { en: "Change the rule and order appears.", es: "Cambia la regla y aparece el orden." },
      { en: "Triangles inside triangles.", es: "Triángulos dentro de triángulos." },
    ],
  ),
  episode(
    3,
    110,
    "Cellular: Rule 110",
    "The rule that can compute anything, and what it does with a random start.",
    [
      {
        en: "This rule can compute anything a computer can.",
        es: "Esta regla puede calcular todo lo que calcula un ordenador.",
      },
      { en: "Watch the gliders collide.", es: "Mira cómo chocan los planeadores." },
    ],
  ),
  {
    id: "fractal-dive",
    width: 1280,
    height: 720,
    durationSec: 30,
    // One deep fractal frame, spun faster and faster: every pixel moves every frame.
    video:
      "mandelbrot=s=1600x1600:r=24:start_x=-0.7436438870:start_y=0.1318259042:start_scale=0.02:maxiter=300," +
      `trim=end_frame=1,loop=loop=-1:size=1,setpts=N/${FPS}/TB,rotate=a=0.5*t+0.1*t*t:ow=1280:oh=720:c=black`,
    lines: [
      {
        en: "Go deeper and the shape repeats.",
        es: "Cuanto más profundo, más se repite la forma.",
      },
      {
        en: "It never ends and never quite returns.",
        es: "Nunca termina y nunca vuelve del todo.",
      },
      { en: "Hold on to the edge.", es: "Agárrate al borde." },
    ],
    metadata: {
      info: {
        name: "Fractal Dive",
        synopsis:
          "A pilot falls into an infinite coastline and has thirty seconds to find the way out.",
        year: 2025,
        genres: ["Science Fiction", "Adventure"],
        tags: { mood: ["tense", "dazzling"], pace: "fast", themes: ["infinity", "escape"] },
      },
    },
  },
  {
    id: "the-long-way-round",
    width: FEATURE.width,
    height: FEATURE.height,
    durationSec: FEATURE.sceneSec * FEATURE_SCENES.length,
    video: concatScenes(FEATURE_SCENES),
    lines: [
      {
        en: "The lanterns rise when the town is asleep.",
        es: "Las linternas suben cuando el pueblo duerme.",
      },
      { en: "Each one carries a small wish.", es: "Cada una lleva un pequeño deseo." },
      {
        en: "I never planned to stay here this long.",
        es: "Nunca planeé quedarme aquí tanto tiempo.",
      },
      { en: "But the work kept finding me.", es: "Pero el trabajo siempre me encontraba." },
      { en: "Lap four and the pace is not dropping.", es: "Cuarta vuelta y el ritmo no baja." },
      { en: "This is going to the finish.", es: "Esto se decide en la meta." },
      {
        en: "The film was shot on stock nobody makes any more.",
        es: "La película se rodó en un material que ya nadie fabrica.",
      },
      { en: "You can see every grain.", es: "Se ve cada grano." },
    ],
    metadata: {
      info: {
        name: "The Long Way Round",
        synopsis:
          "A lantern maker, a lighthouse keeper, a race and a lost reel of film: four stories that turn out to be one, told in four minutes.",
        year: 2026,
        genres: ["Drama", "Animation"],
        tags: { mood: ["warm", "tense"], pace: "medium", themes: ["journeys", "memory"] },
      },
    },
  },
  {
    id: "signal-run",
    width: 1920,
    height: 1080,
    durationSec: 30,
    // A fast pan over sharp, saturated detail: sport-like motion.
    video: `testsrc2=s=1920x1080:r=${FPS},scroll=horizontal=0.004:vertical=0.001,hue=H=t/2`,
    lines: [
      { en: "Lap four and the pace is not dropping.", es: "Cuarta vuelta y el ritmo no baja." },
      { en: "Blue takes the inside line.", es: "El azul toma la línea interior." },
      { en: "This is going to the finish.", es: "Esto se decide en la meta." },
    ],
    metadata: {
      info: {
        name: "Signal Run",
        synopsis:
          "Eight test patterns race across a broadcast that was never meant to go out live.",
        year: 2026,
        genres: ["Sport", "Comedy"],
        tags: {
          mood: ["energetic", "playful"],
          pace: "fast",
          themes: ["competition", "television"],
        },
      },
    },
  },
];

function tinyTitle(id: string, name: string, pattern: string): DemoTitle {
  return {
    id,
    width: 320,
    height: 180,
    // 6 s: the shortest where the spoken line fits after the title card (generate.ts cueTimes).
    durationSec: 6,
    video: `${pattern}=s=320x180:r=${FPS}`,
    lines: [{ en: "Testing.", es: "Probando." }],
    metadata: {
      info: {
        name,
        synopsis: "A few seconds of test pattern, for the demo's own tests.",
        year: 2026,
        genres: ["Documentary"],
        tags: { mood: ["calm"], pace: "slow", themes: ["testing"] },
      },
    },
  };
}

/**
 * The demo title sets `--demo-set` picks from: `full` for npm start, `tiny` (two 6 s titles at
 * 180p, seconds to make and encode) for tests of the demo itself.
 */
export const DEMO_SETS = {
  full: DEMO_TITLES,
  tiny: [
    tinyTitle("tiny-bars", "Tiny Bars", "smptebars"),
    tinyTitle("tiny-chart", "Tiny Chart", "testsrc2"),
  ],
} as const satisfies Record<string, readonly DemoTitle[]>;

export type DemoSetName = keyof typeof DEMO_SETS;

/** The set named `name`, or a one-line error naming the sets there are. */
export function demoSet(name: string): readonly DemoTitle[] {
  if (Object.hasOwn(DEMO_SETS, name)) return DEMO_SETS[name as DemoSetName];
  throw new Error(
    `no demo set "${name}": use one of ${Object.keys(DEMO_SETS).join(", ")} (encoder/demo/titles.ts)`,
  );
}
