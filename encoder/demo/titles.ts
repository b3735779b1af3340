/**
 * The built-in demo catalog: titles whose pictures and voices ffmpeg makes itself (lavfi
 * sources, drawtext title cards, flite speech), so nothing has to be downloaded. The
 * sources differ in complexity on purpose, so that per-title encoding has something to find:
 * flat animation, a mostly still interview, a fractal zoom, film grain, a fast pan over sharp
 * detail, and a series of cellular automata.
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

function episode(
  n: number,
  rule: number,
  name: string,
  synopsis: string,
  lines: SpokenLine[],
): DemoTitle {
  return {
    id: `cellular-s1e${n}`,
    width: 1280,
    height: 720,
    durationSec: 10,
    video: `cellauto=s=320x180:rule=${rule}:r=${FPS}:random_fill_ratio=0.5:seed=${n},scale=1280:720:flags=neighbor`,
    lines,
    metadata: {
      info: { ...cellularSeries, name, synopsis, tags: { ...cellularSeries.tags } },
      episode: { seriesId: "cellular", season: 1, episode: n },
      series: cellularSeries,
    },
  };
}

export const DEMO_TITLES: readonly DemoTitle[] = [
  {
    id: "paper-lanterns",
    width: 1920,
    height: 1080,
    durationSec: 16,
    // A slow Game of Life in flat colours, held four frames a step: cel animation's flat fills.
    video: `life=s=240x135:r=6:mold=8:ratio=0.35:life_color=#f4b860:death_color=#1d2d50:seed=7,fps=${FPS},scale=1920:1080:flags=neighbor`,
    lines: [
      {
        en: "The lanterns rise when the town is asleep.",
        es: "Las linternas suben cuando el pueblo duerme.",
      },
      { en: "Each one carries a small wish.", es: "Cada una lleva un pequeño deseo." },
      { en: "Some of them never come down.", es: "Algunas nunca bajan." },
    ],
    metadata: {
      info: {
        name: "Paper Lanterns",
        synopsis:
          "In a harbour town where paper lanterns carry wishes, a girl follows one that refuses to come down.",
        year: 2024,
        genres: ["Animation", "Family"],
        tags: { mood: ["whimsical", "warm"], pace: "slow", themes: ["wishes", "community"] },
      },
    },
  },
  {
    id: "the-quiet-interview",
    width: 1920,
    height: 1080,
    durationSec: 16,
    // A textured wall, a head and shoulders that barely move, a slowly swaying camera.
    video:
      `gradients=s=480x270:r=${FPS}:c0=0x2b3a55:c1=0x5b4a4a:nb_colors=2:seed=3,noise=alls=2,` +
      `trim=end_frame=1,loop=loop=-1:size=1,setpts=N/${FPS}/TB,scale=1920:1080:flags=bicubic,` +
      "drawbox=x=760+6*sin(t):y=620:w=400:h=460:color=0x1f1f2a:t=fill," +
      "drawbox=x=850+6*sin(t):y=300:w=220:h=290:color=0xc9a27e:t=fill," +
      "drawbox=x=920+6*sin(t):y=500:w=80:h=12+10*abs(sin(7*t)):color=0x5a2e2e:t=fill," +
      "crop=1904:1064:8+6*sin(t*0.7):8+5*sin(t*0.5),scale=1920:1080",
    lines: [
      {
        en: "I never planned to stay here this long.",
        es: "Nunca planeé quedarme aquí tanto tiempo.",
      },
      { en: "But the work kept finding me.", es: "Pero el trabajo siempre me encontraba." },
      { en: "And I kept saying yes.", es: "Y yo seguía diciendo que sí." },
    ],
    metadata: {
      info: {
        name: "The Quiet Interview",
        synopsis:
          "A retired lighthouse keeper answers the questions nobody asked him for forty years.",
        year: 2023,
        genres: ["Documentary", "Drama"],
        tags: { mood: ["reflective", "intimate"], pace: "slow", themes: ["memory", "solitude"] },
      },
    },
  },
  {
    id: "fractal-dive",
    width: 1280,
    height: 720,
    durationSec: 16,
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
          "A pilot falls into an infinite coastline and has sixteen seconds to find the way out.",
        year: 2025,
        genres: ["Science Fiction", "Adventure"],
        tags: { mood: ["tense", "dazzling"], pace: "fast", themes: ["infinity", "escape"] },
      },
    },
  },
  {
    id: "grain",
    width: 1280,
    height: 720,
    durationSec: 16,
    // Heavy grain over a soft scene, grains two pixels wide as on film: bits the encoder must spend.
    video:
      `gradients=s=640x360:r=${FPS}:speed=0.01:c0=0x3a2f28:c1=0x8a7560:nb_colors=2:seed=11,` +
      "drawbox=x=100+150*t/24:y=130:w=90:h=160:color=0x1a1410:t=fill," +
      "noise=alls=10:allf=t,scale=1280:720:flags=bicubic",
    lines: [
      {
        en: "The film was shot on stock nobody makes any more.",
        es: "La película se rodó en un material que ya nadie fabrica.",
      },
      { en: "You can see every grain.", es: "Se ve cada grano." },
      { en: "That is the point.", es: "De eso se trata." },
    ],
    metadata: {
      info: {
        name: "Grain",
        synopsis:
          "A projectionist restores the last reel of a lost thriller and finds herself in it.",
        year: 2022,
        genres: ["Thriller", "Drama"],
        tags: { mood: ["dark", "tense"], pace: "medium", themes: ["film", "identity"] },
      },
    },
  },
  {
    id: "signal-run",
    width: 1920,
    height: 1080,
    durationSec: 16,
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
];
