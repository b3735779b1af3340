/**
 * An appliance's cache as a real nginx (Debian's package) with `proxy_cache` in front of the
 * origin: nginx holds the cache to its size, fills from the origin at the fill link's rate
 * (`proxy_limit_rate`), and makes concurrent misses for one file share one fill
 * (`proxy_cache_lock`). Our Node layer stays in front (appliance.ts: shaping, faults, counters)
 * and asks nginx for each file; what nginx did comes back in `X-Cache`
 * (`$upstream_cache_status`) and its access log, which is read for the fill counters.
 *
 * Each nginx runs as a child process (`daemon off`, `master_process on`) with its own prefix
 * under `.cache/nginx/<run>/<appliance>/`: config, pid file, logs, cache. Stopping it stops the
 * master, which takes its workers along; the prefix is removed when the network closes.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { accessSync, constants, readdirSync, readFileSync, statSync } from "node:fs";
import { mkdir, open, rm, writeFile } from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import { processAlive } from "../process/alive.ts";
import { proxiedPath } from "../proxy/allow-list.ts";
import { UpstreamError } from "../proxy/upstream.ts";
import { contentTypeFor } from "./appliance.ts";
import type { ApplianceStore, CachedObject, CacheEngine, CacheStats } from "./cache.ts";

export const NGINX_INSTALL_HINT =
  "install it (Debian/Ubuntu: sudo apt-get install nginx-light) or point NGINX_PATH at it";

/** The nginx binary, or an error naming how to get one. */
export function nginxBinary(env: NodeJS.ProcessEnv = process.env): string {
  const binary = env.NGINX_PATH || "/usr/sbin/nginx";
  try {
    accessSync(binary, constants.X_OK);
  } catch {
    throw new Error(`nginx not found at ${binary}: ${NGINX_INSTALL_HINT}`);
  }
  return binary;
}

/** Where the network's nginx prefixes go: `.cache/nginx/` of this checkout. */
export const NGINX_RUNS_DIR = path.resolve(import.meta.dirname, "../../.cache/nginx");

export interface NginxOptions {
  /** The appliance's id: the cache zone's name. */
  id: string;
  /** nginx's prefix: config, pid file, logs and cache go in it. */
  prefix: string;
  /** The loopback port nginx listens on (our appliance layer is its only client): a free one,
   * found when the fleet starts. */
  port: number;
  originBaseUrl: string;
  capacityBytes: number;
  /** The fill link's rate: nginx reads from the origin no faster. */
  fillBitsPerSecond: number;
}

/** The config for one appliance's nginx. */
export function nginxConfig(options: NginxOptions): string {
  const origin = new URL(options.originBaseUrl);
  const at = (name: string) => path.join(options.prefix, name);
  const zone = options.id.replace(/[^A-Za-z0-9_]/g, "_");
  const rateBytes = Math.max(1, Math.floor(options.fillBitsPerSecond / 8));
  // Run as root, nginx would start its workers as nobody, who cannot write the cache we made.
  const user = process.getuid?.() === 0 ? "user root;\n" : "";
  return `${user}daemon off;
master_process on;
worker_processes 1;
pid ${at("nginx.pid")};
error_log ${at("error.log")} warn;
events { worker_connections 512; }
http {
  log_format fills escape=json '{"status":"$status","cache":"$upstream_cache_status","uri":"$uri","upstreamBytes":"$upstream_response_length"}';
  access_log ${at("access.log")} fills;
  client_body_temp_path ${at("tmp/body")};
  proxy_temp_path ${at("tmp/proxy")};
  fastcgi_temp_path ${at("tmp/fastcgi")};
  uwsgi_temp_path ${at("tmp/uwsgi")};
  scgi_temp_path ${at("tmp/scgi")};
  proxy_cache_path ${at("cache")} levels=1:2 keys_zone=${zone}:8m max_size=${Math.floor(options.capacityBytes)} inactive=30d use_temp_path=off;
  server {
    listen 127.0.0.1:${options.port};
    location = /nginx_status { stub_status; }
    location / {
      proxy_pass http://${origin.host};
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_cache ${zone};
      proxy_cache_key $uri;
      # Title folders are content-addressed and immutable; a 404 is kept a little, not forever.
      proxy_cache_valid 200 30d;
      proxy_cache_valid 404 5s;
      proxy_ignore_headers Cache-Control Expires Set-Cookie;
      # Our appliance layer asks for whole files and cuts ranges itself.
      proxy_set_header Range "";
      proxy_cache_lock on;
      proxy_cache_lock_timeout 60s;
      proxy_cache_lock_age 60s;
      proxy_limit_rate ${rateBytes};
      add_header X-Cache $upstream_cache_status always;
    }
  }
}
`;
}

/** A port free on loopback now (bound, then released for nginx to take). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const START_TIMEOUT_MS = 10_000;
const STOP_GRACE_MS = 5_000;

/** The pids of a process's children (Linux /proc), for making sure workers went too. */
export function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8")
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

/** One nginx master and its workers, as a child process. */
export class NginxProcess implements CacheEngine {
  readonly name = "nginx";
  private child: ChildProcess | null = null;
  private exited: Promise<void> = Promise.resolve();

  constructor(
    readonly options: NginxOptions,
    private readonly binary: string,
  ) {}

  get running(): boolean {
    return this.child !== null;
  }

  get pid(): number | null {
    return this.child?.pid ?? null;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.options.port}/`;
  }

  async start(): Promise<void> {
    if (this.child) return;
    const { prefix } = this.options;
    for (const dir of ["cache", "tmp"]) await mkdir(path.join(prefix, dir), { recursive: true });
    await writeFile(path.join(prefix, "nginx.conf"), nginxConfig(this.options));
    const child = spawn(
      this.binary,
      ["-p", prefix, "-c", path.join(prefix, "nginx.conf"), "-e", path.join(prefix, "error.log")],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-2000);
    });
    let gone = false;
    this.exited = new Promise((resolve) => {
      child.once("exit", () => {
        gone = true;
        if (this.child === child) this.child = null;
        resolve();
      });
      child.once("error", (error) => {
        stderr += error.message;
        gone = true;
        resolve();
      });
    });
    this.child = child;
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (!(await accepts(this.options.port))) {
      if (gone || Date.now() > deadline) {
        await this.stop();
        const log = readTail(path.join(prefix, "error.log"));
        throw new Error(
          `nginx for appliance ${this.options.id} did not start on port ${this.options.port}: ${(stderr + log).trim() || "no output"}`,
        );
      }
      await sleep(20);
    }
  }

  /** Fast shutdown (SIGTERM): the master stops its workers and exits; SIGKILL if it hangs. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child?.pid) return;
    const workers = childPids(child.pid);
    child.kill("SIGTERM");
    const timeout = sleep(STOP_GRACE_MS).then(() => "timeout" as const);
    if ((await Promise.race([this.exited, timeout])) === "timeout") {
      child.kill("SIGKILL");
      for (const pid of workers) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // Gone already.
        }
      }
      await this.exited;
    }
    this.child = null;
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

function readTail(file: string): string {
  try {
    return readFileSync(file, "utf8").slice(-1000);
  } catch {
    return "";
  }
}

/** Where nginx keeps a file of key `uri` with `levels=1:2`: `<md5[-1]>/<md5[-3..-2]>/<md5>`. */
export function cacheFileOf(cacheDir: string, uri: string): string {
  const md5 = createHash("md5").update(uri).digest("hex");
  return path.join(cacheDir, md5.slice(-1), md5.slice(-3, -1), md5);
}

/** How often the access log and the cache folder are read for the counters. */
const REFRESH_MS = 500;

/** The cache an appliance serves from, kept by its nginx. */
export class NginxStore implements ApplianceStore {
  /** Files served through nginx, by catalog path: what the cache folder is checked for. */
  private readonly known = new Map<string, { title: string | null; sizeBytes: number }>();
  private held = new Set<string>();
  private stats: CacheStats = { usedBytes: 0, objects: 0, fills: 0, fillBytes: 0, evictions: 0 };
  private logOffset = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly nginx: NginxProcess,
    private readonly titleOf: (catalogPath: string) => string | null,
  ) {}

  get capacityBytes(): number {
    return this.nginx.options.capacityBytes;
  }

  get engine(): CacheEngine {
    return this.nginx;
  }

  private get cacheDir(): string {
    return path.join(this.nginx.options.prefix, "cache");
  }

  async start(): Promise<void> {
    await this.nginx.start();
    this.timer ??= setInterval(() => void this.refresh(), REFRESH_MS);
    this.timer.unref();
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.nginx.stop();
  }

  healthy(): boolean {
    return this.nginx.running;
  }

  /**
   * The path nginx is asked for: a catalog path as it is; a foreign stream's upstream URL (the
   * proxy's cache key) as the origin's `/proxy/...` route, which checks the allow-list and
   * fetches it, so nginx caches foreign files as it caches the catalog's.
   */
  private pathOnNginx(key: string): string {
    return /^https?:\/\//.test(key) ? proxiedPath(new URL(key)).slice(1) : key;
  }

  async get(key: string): Promise<{ object: CachedObject; hit: boolean } | null> {
    const catalogPath = this.pathOnNginx(key);
    const foreign = catalogPath !== key;
    let response: Response;
    try {
      response = await fetch(`${this.nginx.baseUrl}${catalogPath}`);
    } catch (error) {
      throw new Error(`the appliance's nginx is not answering (${(error as Error).message})`);
    }
    if (foreign && !response.ok) {
      // The origin's proxy route said why (host not allowed, upstream down): pass it on.
      const text = await response.text();
      let reason = `the upstream answered ${response.status} for ${key}`;
      try {
        reason = (JSON.parse(text) as { error?: string }).error ?? reason;
      } catch {}
      throw new UpstreamError(response.status, reason);
    }
    if (response.status === 404 || response.status === 403) {
      await response.body?.cancel();
      return null;
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new Error(`the appliance's nginx answered ${response.status} for ${catalogPath}`);
    }
    const body = Buffer.from(await response.arrayBuffer());
    const title = this.titleOf(key);
    this.known.set(catalogPath, { title, sizeBytes: body.length });
    const object: CachedObject = {
      body,
      contentType: response.headers.get("content-type") ?? contentTypeFor(catalogPath),
      etag: response.headers.get("etag") ?? `"${catalogPath}"`,
      title,
    };
    return { object, hit: response.headers.get("x-cache") === "HIT" };
  }

  has(key: string): boolean {
    const catalogPath = this.pathOnNginx(key);
    return this.known.has(catalogPath) && exists(cacheFileOf(this.cacheDir, `/${catalogPath}`));
  }

  async fill(catalogPath: string): Promise<CachedObject | null> {
    return (await this.get(catalogPath))?.object ?? null;
  }

  titleBytes(): Map<string, number> {
    const bytes = new Map<string, number>();
    for (const p of this.held) {
      const file = this.known.get(p);
      if (file?.title) bytes.set(file.title, (bytes.get(file.title) ?? 0) + file.sizeBytes);
    }
    return bytes;
  }

  snapshot(): CacheStats {
    return { ...this.stats };
  }

  /** Read the counters now rather than at the next tick (tests, the admin state). */
  async refresh(): Promise<void> {
    await this.readAccessLog();
    const held = new Set<string>();
    let usedBytes = 0;
    for (const [p, file] of this.known) {
      if (exists(cacheFileOf(this.cacheDir, `/${p}`))) {
        held.add(p);
        usedBytes += file.sizeBytes;
      } else if (this.held.has(p)) {
        // nginx's cache manager took it out to stay under max_size.
        this.stats.evictions++;
        this.known.delete(p);
      }
    }
    this.held = held;
    this.stats.usedBytes = usedBytes;
    this.stats.objects = held.size;
  }

  /** Fills are the log's lines nginx fetched from the origin for (a MISS with upstream bytes). */
  private async readAccessLog(): Promise<void> {
    let handle: Awaited<ReturnType<typeof open>> | undefined;
    try {
      handle = await open(path.join(this.nginx.options.prefix, "access.log"), "r");
      const { size } = await handle.stat();
      if (size < this.logOffset) this.logOffset = 0;
      if (size === this.logOffset) return;
      const length = Math.min(size - this.logOffset, 4 * 1024 * 1024);
      const buffer = Buffer.alloc(length);
      await handle.read(buffer, 0, length, this.logOffset);
      const text = buffer.toString("utf8");
      const end = text.lastIndexOf("\n") + 1;
      this.logOffset += Buffer.byteLength(text.slice(0, end));
      for (const line of text.slice(0, end).split("\n")) {
        if (!line) continue;
        try {
          const entry = JSON.parse(line) as { cache?: string; upstreamBytes?: string };
          const bytes = Number(entry.upstreamBytes);
          if (entry.cache === "MISS" && Number.isFinite(bytes) && bytes > 0) {
            this.stats.fills++;
            this.stats.fillBytes += bytes;
          }
        } catch {
          // A line cut by a crash: skip it.
        }
      }
    } catch {
      // No log yet.
    } finally {
      await handle?.close();
    }
  }

  /** Empty the cache: nginx stopped, its folder and log removed, started again (a reset). */
  async clear(): Promise<void> {
    await this.nginx.stop();
    await rm(this.cacheDir, { recursive: true, force: true });
    await rm(path.join(this.nginx.options.prefix, "access.log"), { force: true });
    this.known.clear();
    this.held.clear();
    this.logOffset = 0;
    this.stats = { usedBytes: 0, objects: 0, fills: 0, fillBytes: 0, evictions: 0 };
    await this.nginx.start();
  }
}

function exists(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Prefixes of runs whose network process is gone (killed outright): their nginx stopped, removed. */
export async function sweepStaleRuns(runsDir = NGINX_RUNS_DIR): Promise<void> {
  let runs: string[];
  try {
    runs = readdirSync(runsDir);
  } catch {
    return;
  }
  for (const run of runs) {
    const owner = Number(run.split("-")[0]);
    if (Number.isInteger(owner) && owner > 0 && processAlive(owner)) continue;
    const dir = path.join(runsDir, run);
    for (const appliance of safeList(dir)) {
      const pid = Number(readTail(path.join(dir, appliance, "nginx.pid")).trim());
      if (Number.isInteger(pid) && pid > 0 && isNginx(pid)) {
        for (const worker of childPids(pid)) tryKill(worker);
        tryKill(pid);
      }
    }
    await rm(dir, { recursive: true, force: true });
  }
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function isNginx(pid: number): boolean {
  return readTail(`/proc/${pid}/cmdline`).includes("nginx");
}

function tryKill(pid: number): void {
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // Gone already.
  }
}
